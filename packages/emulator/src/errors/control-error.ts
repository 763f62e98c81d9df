import { FeishuError } from './feishu-error.ts';

const CODES = { 400: 'invalid_request', 404: 'not_found', 409: 'conflict' } as const;

/**
 * A refusal of the control API (`/_emulator/…`): the HTTP status and a stable text code
 * (`invalid_request`, `not_found`, `conflict`) that tests can match, with a message for people.
 */
export function controlError(status: keyof typeof CODES, message: string): FeishuError {
  return new FeishuError(status, CODES[status], message, {}, 'control');
}
