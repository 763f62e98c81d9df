import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { control } from './support/sdk.ts';

/** The callback URL the tests register on the default app. */
export const CALLBACK = 'https://app.example/oauth/callback';

/** Allows `urls` as redirect URLs of `appId` (the default app when omitted). */
export async function allowRedirects(emulator: Emulator, urls: string[] = [CALLBACK], appId = emulator.state.defaultAppId): Promise<void> {
  await control(emulator, 'PATCH', `/_emulator/apps/${appId}`, { redirect_urls: urls });
}

/** `GET /open-apis/authen/v1/authorize` (or `index`) without following redirects. */
export async function openAuthorize(emulator: Emulator, query: Record<string, string>, path = '/open-apis/authen/v1/authorize'): Promise<Response> {
  return fetch(`${emulator.url}${path}?${new URLSearchParams(query).toString()}`, { redirect: 'manual' });
}

/** The pending request id the login page's forms carry. */
export function requestIdOf(html: string): string {
  const id = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  expect(id, 'login page carries a request id').toBeDefined();
  return id ?? '';
}

/** Submits the login page's form as a browser would. */
export async function submitLogin(emulator: Emulator, fields: Record<string, string>): Promise<Response> {
  return fetch(`${emulator.url}/open-apis/authen/v1/authorize/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Pre-selects the next login of `appId` through the control API. */
export async function preselect(emulator: Emulator, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  return control(emulator, 'POST', '/_emulator/oauth/next-login', body);
}

/** Runs authorize with a pre-selected user and returns the code from the callback. */
export async function codeFor(emulator: Emulator, userId: string, query: Record<string, string> = {}, appId = emulator.state.defaultAppId): Promise<string> {
  await preselect(emulator, { app_id: appId, user_id: userId });
  const response = await openAuthorize(emulator, { client_id: appId, response_type: 'code', redirect_uri: CALLBACK, ...query });
  expect(response.status).toBe(302);
  const code = new URL(response.headers.get('location') ?? '').searchParams.get('code');
  expect(code).toMatch(/^[A-Za-z0-9_-]{64,}$/);
  return code ?? '';
}

/** `POST /open-apis/authen/v2/oauth/token` with a JSON body. */
export async function tokenV2(emulator: Emulator, body: Record<string, string>, init: { headers?: Record<string, string>; raw?: string } = {}) {
  const response = await fetch(`${emulator.url}/open-apis/authen/v2/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The default app's credentials as token-endpoint fields. */
export function clientOf(emulator: Emulator): { client_id: string; client_secret: string } {
  const app = emulator.defaultApp();
  return { client_id: app.appId, client_secret: app.appSecret };
}

/** Some active user of the default tenant, by position. */
export function someUser(emulator: Emulator, index = 0): { userId: string; name: string; email: string } {
  const tenant = emulator.state.tenants.get(emulator.state.defaultTenantKey);
  const user = [...(tenant?.users.values() ?? [])].filter((candidate) => !candidate.status.isResigned && !candidate.deleted)[index];
  if (user === undefined) throw new Error('no such user');
  return user;
}

/** RFC 7636 S256 challenge of a verifier. */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');
