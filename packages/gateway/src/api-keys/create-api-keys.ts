import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import { isApiKeyScope, type ApiKeyScope } from './api-key-scopes.ts';

/** An API key as stored: everything but the key itself, which only its creator ever sees. */
export type ApiKey = {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly createdAt: Date;
  readonly lastUsedAt: Date | undefined;
  readonly revokedAt: Date | undefined;
};

export type ApiKeys = {
  /** Creates a key; `key` is returned this once and never stored. Rejects with `api_keys.invalid`. */
  create(input: { name: string; scopes: readonly string[] }): Promise<{ key: string; apiKey: ApiKey }>;
  /** Every key, revoked ones included, oldest first. */
  list(): Promise<ApiKey[]>;
  /** Revokes the key (at once, on every instance); `false` when it was revoked already. Rejects with `api_keys.not_found`. */
  revoke(id: string): Promise<boolean>;
  /** The live key a client presented, or undefined when it is malformed, unknown or revoked. */
  verify(presented: string): Promise<ApiKey | undefined>;
};

const KEY_PREFIX = 'fgw_';
// `fgw_` and 32 random bytes in base64url (43 characters, no padding).
const KEY_PATTERN = /^fgw_[A-Za-z0-9_-]{43}$/;
// Writing last_used_at on every request would turn each read into a write; a minute is precise enough.
const LAST_USED_PRECISION = sql`interval '1 minute'`;

/**
 * API keys for `/api/v1`. A key is `fgw_` followed by 32 random bytes; the database keeps only
 * its SHA-256, so a dump reveals no usable key. Verification hashes the presented key and looks
 * the hash up: the comparison happens on hashes, so its timing says nothing about the key.
 *
 * @example
 * const { key } = await apiKeys.create({ name: 'hr-system', scopes: ['directory:read'] });
 * // later, per request:
 * const apiKey = await apiKeys.verify(bearerToken); // undefined ⇒ 401
 */
export function createApiKeys(database: Database): ApiKeys {
  const { kysely } = database;
  return {
    async create({ name, scopes }) {
      const trimmed = name.trim();
      if (trimmed.length === 0 || trimmed.length > 100) throw new GatewayError('api_keys.invalid', 'An API key needs a name of 1 to 100 characters.');
      if (scopes.length === 0) throw new GatewayError('api_keys.invalid', 'An API key needs at least one scope.');
      const unknown = scopes.find((scope) => !isApiKeyScope(scope));
      if (unknown !== undefined) throw new GatewayError('api_keys.invalid', `Unknown scope "${unknown}".`);
      const key = KEY_PREFIX + randomBytes(32).toString('base64url');
      const row = await kysely
        .insertInto('api_keys')
        .values({ name: trimmed, scopes: [...new Set(scopes)], key_hash: hashApiKey(key), last_used_at: null, revoked_at: null })
        .returning(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
        .executeTakeFirstOrThrow();
      return { key, apiKey: toApiKey(row) };
    },

    async list() {
      const rows = await kysely.selectFrom('api_keys').select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id').execute();
      return rows.map(toApiKey);
    },

    async revoke(id) {
      if (!/^\d{1,18}$/.test(id)) throw new GatewayError('api_keys.not_found', `No API key has the id "${id}".`);
      const row = await kysely.selectFrom('api_keys').select('revoked_at').where('id', '=', id).executeTakeFirst();
      if (row === undefined) throw new GatewayError('api_keys.not_found', `No API key has the id "${id}".`);
      const result = await kysely.updateTable('api_keys').set({ revoked_at: sql`now()` }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async verify(presented) {
      if (!KEY_PATTERN.test(presented)) return undefined;
      const row = await kysely
        .selectFrom('api_keys')
        .select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
        .where('key_hash', '=', hashApiKey(presented))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      await kysely
        .updateTable('api_keys')
        .set({ last_used_at: sql`now()` })
        .where('id', '=', row.id)
        .where((where) => where.or([where('last_used_at', 'is', null), where('last_used_at', '<', sql<Date>`now() - ${LAST_USED_PRECISION}`)]))
        .execute();
      return toApiKey(row);
    },
  };
}

/** The stored form of a key: hex SHA-256. A key has 256 random bits, so no salt or slow hash is needed. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function toApiKey(row: { id: string | number | bigint; name: string; scopes: string[]; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }): ApiKey {
  return {
    id: String(row.id),
    name: row.name,
    // A scope retired from the code no longer grants anything.
    scopes: row.scopes.filter(isApiKeyScope),
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at === null ? undefined : new Date(row.last_used_at),
    revokedAt: row.revoked_at === null ? undefined : new Date(row.revoked_at),
  };
}
