import { describe, expect, it } from 'vitest';
import { errorCodes } from './error-codes.ts';
import { GatewayError, isGatewayError } from './gateway-error.ts';

describe('GatewayError', () => {
  it('takes its status from the registry', () => {
    expect(new GatewayError('http.body_too_large', 'too big').status).toBe(413);
    expect(new GatewayError('db.unreachable', 'down').status).toBe(503);
  });

  it('keeps the code, message, details and cause', () => {
    const cause = new Error('connection refused');

    const error = new GatewayError('db.unreachable', 'database is down', { cause, details: { attempts: 3 } });

    expect(error).toMatchObject({ name: 'GatewayError', code: 'db.unreachable', message: 'database is down', details: { attempts: 3 } });
    expect(error.cause).toBe(cause);
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new GatewayError('http.not_found', 'nothing here')).toBe(false);
  });
});

describe('isGatewayError', () => {
  const error = new GatewayError('http.not_found', 'nothing here');

  it('recognises a GatewayError of any code', () => {
    expect(isGatewayError(error)).toBe(true);
  });

  it('matches the code when one is given', () => {
    expect(isGatewayError(error, 'http.not_found')).toBe(true);
    expect(isGatewayError(error, 'http.body_too_large')).toBe(false);
  });

  it('rejects other errors and look-alikes', () => {
    expect(isGatewayError(new Error('nothing here'))).toBe(false);
    expect(isGatewayError({ name: 'GatewayError', code: 'http.not_found', status: 404 })).toBe(false);
    expect(isGatewayError(undefined)).toBe(false);
  });
});

describe('the error code registry', () => {
  const entries = Object.entries(errorCodes);

  it.each(entries)('names %s as capability.reason', (code) => {
    expect(code).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });

  it.each(entries)('gives %s a 4xx or 5xx status and a description', (_code, { status, description }) => {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
    expect(description.length).toBeGreaterThan(0);
  });
});
