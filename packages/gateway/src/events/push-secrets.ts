import { GatewayError } from '../errors/index.ts';
import type { PushConnection } from './push-request.ts';

/** The secrets a connection can verify pushes with; at least one is present. */
export type PushSecrets = {
  readonly encryptKey: string | undefined;
  readonly verificationToken: string | undefined;
};

/**
 * The connection's secrets, with empty strings read as absent (the developer console shows an
 * unset key as empty). A connection with neither cannot verify anything, and accepting pushes
 * unverified is how forged events get in, so that is `events.not_verifiable` — a configuration
 * error — whatever the request.
 *
 * @example
 * pushSecrets({ name: 'default', encryptKey: 'k', verificationToken: '' }) // { encryptKey: 'k', verificationToken: undefined }
 */
export function pushSecrets(connection: PushConnection): PushSecrets {
  const encryptKey = connection.encryptKey === '' ? undefined : connection.encryptKey;
  const verificationToken = connection.verificationToken === '' ? undefined : connection.verificationToken;
  if (encryptKey === undefined && verificationToken === undefined) {
    throw new GatewayError('events.not_verifiable', `Connection "${connection.name}" has neither an Encrypt Key nor a Verification Token; pushes to it cannot be verified.`, {
      details: { connection: connection.name },
    });
  }
  return { encryptKey, verificationToken };
}
