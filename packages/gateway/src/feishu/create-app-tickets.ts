import type { FeishuConnectionConfig } from '../config/index.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import { openSecret, sealSecret, type Keyring } from '../secrets/index.ts';
import type { FetchedToken, TokenFetcher } from './create-token-fetcher.ts';
import type { TokenRepository } from './create-token-repository.ts';
import { refusedWith } from './token-refused.ts';

export type AppTickets = {
  /** The stored ticket, opened, with its sealed form (for compare-and-drop). */
  read(config: FeishuConnectionConfig): Promise<{ value: string; sealed: string } | undefined>;
  save(config: FeishuConnectionConfig, ticket: string): Promise<void>;
  /** A store app's app_access_token from its stored ticket, or `feishu.app_ticket_missing`. */
  storeAppToken(config: FeishuConnectionConfig, deadline: number): Promise<FetchedToken>;
};

/**
 * A store app's `app_ticket` (platform doc §1.1): pushed by Feishu as an event every hour, kept
 * sealed in `feishu_app_tickets` so it survives restarts, and needed for every app token. With no
 * usable ticket, Feishu is asked to resend one (at most once per `resendIntervalMs` per
 * connection from this instance) and the call fails, retryably.
 */
export function createAppTickets(deps: { repository: TokenRepository; fetcher: TokenFetcher; keyring: Keyring; logger: Logger; now: () => number; resendIntervalMs: number }): AppTickets {
  const lastResend = new Map<string, number>();

  // Without a ticket the SDK sends calls with no token at all (platform doc §1.2); here the call
  // fails, retryably, and Feishu is asked to push a new ticket as an event.
  const missing = async (config: FeishuConnectionConfig, deadline: number, reason: string): Promise<never> => {
    const last = lastResend.get(config.name);
    if (last === undefined || deps.now() - last >= deps.resendIntervalMs) {
      await deps.fetcher.resendAppTicket(config, deadline);
      lastResend.set(config.name, deps.now());
      deps.logger.info({ connection: config.name }, 'asked Feishu to resend the app_ticket');
    }
    throw new GatewayError('feishu.app_ticket_missing', `connection "${config.name}" has no usable app_ticket (${reason}); Feishu was asked to resend it`, {
      details: { connection: config.name, retryable: true },
    });
  };

  const read: AppTickets['read'] = async (config) => {
    const row = await deps.repository.readTicket(config.name);
    if (row === undefined || row.appId !== config.appId) return undefined;
    try {
      return { value: openSecret(deps.keyring, row.sealedTicket, ticketContext(config.name, config.appId)), sealed: row.sealedTicket };
    } catch (error) {
      deps.logger.warn({ connection: config.name, code: isGatewayError(error) ? error.code : undefined }, 'stored app_ticket could not be opened; asking for a new one');
      return undefined;
    }
  };

  return {
    read,
    async save(config, ticket) {
      if (ticket === '') throw new GatewayError('feishu.app_ticket_missing', `an empty app_ticket was given for connection "${config.name}"`, { details: { connection: config.name } });
      await deps.repository.saveTicket(config.name, { appId: config.appId, sealedTicket: sealSecret(deps.keyring, ticket, ticketContext(config.name, config.appId)) });
      deps.logger.info({ connection: config.name }, 'app_ticket saved');
    },
    async storeAppToken(config, deadline) {
      const ticket = await read(config);
      if (ticket === undefined) return await missing(config, deadline, 'none has been received yet');
      try {
        return await deps.fetcher.storeAppToken(config, ticket.value, deadline);
      } catch (error) {
        if (!refusedWith(error, 10012)) throw error;
        await deps.repository.dropTicket(config.name, ticket.sealed);
        return await missing(config, deadline, 'Feishu refused the stored one (10012)');
      }
    },
  };
}

// Bound into each ciphertext as AAD: a sealed ticket copied to another row does not open.
function ticketContext(connection: string, appId: string): string {
  return `feishu_app_tickets:${JSON.stringify([connection, appId])}`;
}
