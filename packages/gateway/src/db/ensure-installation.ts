import { randomUUID } from 'node:crypto';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import { openSecret, sealSecret, type Keyring } from '../secrets/index.ts';
import type { Database } from './database.ts';

const KEY_CHECK_CONTEXT = 'gateway_installation:key_check';

/**
 * Returns this deployment's installation id, creating it on first start. Also proves that the
 * keyring can open what this database holds: a wrong `GATEWAY_SECRET_KEY` stops the start with
 * `secrets.key_mismatch` rather than failing later on the first stored secret. After a key
 * rotation, the check is re-sealed under the new current key.
 */
export async function ensureInstallation(database: Database, keyring: Keyring): Promise<{ installationId: string }> {
  const id = randomUUID();
  await database.kysely
    .insertInto('gateway_installation')
    .values({ installation_id: id, key_check: sealSecret(keyring, id, KEY_CHECK_CONTEXT) })
    .onConflict((conflict) => conflict.column('singleton').doNothing())
    .execute();
  const row = await database.kysely.selectFrom('gateway_installation').select(['installation_id', 'key_check']).executeTakeFirstOrThrow();

  let opened: string;
  try {
    opened = openSecret(keyring, row.key_check, KEY_CHECK_CONTEXT);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    throw new GatewayError(
      'secrets.key_mismatch',
      `GATEWAY_SECRET_KEY does not open the secrets stored in ${database.description}: the key it was set up with is not configured`,
      { cause: error },
    );
  }
  if (opened !== row.installation_id) throw new GatewayError('secrets.key_mismatch', 'installation key check does not match its record');
  if (!row.key_check.startsWith(`v1.${keyring.current.id}.`)) {
    await database.kysely.updateTable('gateway_installation').set({ key_check: sealSecret(keyring, row.installation_id, KEY_CHECK_CONTEXT) }).execute();
  }
  return { installationId: row.installation_id };
}
