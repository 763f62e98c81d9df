import { GatewayError } from '../errors/index.ts';
import { apiKeyScopes, isApiKeyScope } from './api-key-scopes.ts';
import type { ApiKey, ApiKeys } from './create-api-keys.ts';

export type ApiKeysCommand = { action: 'create'; name: string; scopes: string[] } | { action: 'list' } | { action: 'revoke'; id: string };

type Output = { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void };

/**
 * Reads `api-keys create|list|revoke` from the command line, before anything is opened.
 * Rejects with `cli.usage`.
 */
export function parseApiKeysCommand(args: readonly string[], options: { name?: string | undefined; scope?: readonly string[] | undefined }): ApiKeysCommand {
  const [action, ...rest] = args;
  const usage = (message: string) => new GatewayError('cli.usage', message);
  if (action === 'create') {
    if (rest.length > 0) throw usage(`unexpected argument "${rest[0] ?? ''}"`);
    if (options.name === undefined || options.name.trim() === '') throw usage('api-keys create needs --name NAME');
    const scopes = options.scope ?? [];
    if (scopes.length === 0) throw usage(`api-keys create needs at least one --scope (${Object.keys(apiKeyScopes).join(', ')})`);
    const unknown = scopes.find((scope) => !isApiKeyScope(scope));
    if (unknown !== undefined) throw usage(`unknown scope "${unknown}"; scopes: ${Object.keys(apiKeyScopes).join(', ')}`);
    return { action, name: options.name, scopes: [...scopes] };
  }
  const given = options.name !== undefined ? '--name' : options.scope !== undefined ? '--scope' : undefined;
  if (given !== undefined) throw usage(`${given} is an option of api-keys create only`);
  if (action === 'list') {
    if (rest.length > 0) throw usage(`unexpected argument "${rest[0] ?? ''}"`);
    return { action };
  }
  if (action === 'revoke') {
    const [id, ...extra] = rest;
    if (id === undefined) throw usage('api-keys revoke needs the id of the key (see api-keys list)');
    if (extra.length > 0) throw usage(`unexpected argument "${extra[0] ?? ''}"`);
    return { action, id };
  }
  throw usage(action === undefined ? 'api-keys needs create, list or revoke' : `unknown api-keys command "${action}"`);
}

/**
 * Runs a parsed `api-keys` command. A new key goes alone to stdout, so that scripts can capture
 * it (`KEY=$(feishu-gateway api-keys create …)`), and the explanation to stderr.
 */
export async function runApiKeysCommand(apiKeys: ApiKeys, command: ApiKeysCommand, io: Output): Promise<void> {
  if (command.action === 'create') {
    const { key, apiKey } = await apiKeys.create({ name: command.name, scopes: command.scopes });
    io.stdout(`${key}\n`);
    io.stderr(`Created API key ${apiKey.id} "${apiKey.name}" with scopes ${apiKey.scopes.join(', ')}. The key above is shown only this once; store it now.\n`);
    return;
  }
  if (command.action === 'revoke') {
    const revoked = await apiKeys.revoke(command.id);
    io.stdout(revoked ? `Revoked API key ${command.id}.\n` : `API key ${command.id} was already revoked.\n`);
    return;
  }
  const keys = await apiKeys.list();
  if (keys.length === 0) {
    io.stdout('No API keys. Create one with: feishu-gateway api-keys create --name NAME --scope SCOPE\n');
    return;
  }
  io.stdout(formatTable(['ID', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'STATUS'], keys.map(toColumns)));
}

function toColumns(key: ApiKey): string[] {
  const time = (date: Date | undefined) => (date === undefined ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  return [key.id, key.name, key.scopes.join(','), time(key.createdAt), time(key.lastUsedAt), key.revokedAt === undefined ? 'active' : `revoked ${time(key.revokedAt)}`];
}

function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`;
  return [header, ...rows].map(line).join('');
}
