import type { Hono } from 'hono';
import type { FeishuConnectionConfig } from '../config/index.ts';
import { GatewayError, isGatewayError } from '../errors/index.ts';
import { readRawBody, type AppEnv } from '../http/index.ts';
import type { EventInbox } from './create-event-inbox.ts';
import type { EventMetrics } from './create-event-metrics.ts';
import type { EventRegistry } from './event-registry.ts';
import { openPush } from './open-push.ts';
import { storePush } from './store-push.ts';

export type EventRouteDeps = {
  readonly connection: (name: string) => FeishuConnectionConfig | undefined;
  readonly inbox: EventInbox;
  readonly registry: EventRegistry;
  readonly maxAgeMs: number;
  readonly metrics: EventMetrics;
  readonly now?: () => number;
};

/**
 * `POST /feishu/:connection/events`, the URL pasted into the Feishu console. The answer comes
 * after the event is committed to the inbox with its dispatch job and before any handler runs:
 * verify (signature over the exact bytes, decryption, Verification Token) → challenge, or store →
 * 200. A duplicate is answered 200 and not stored again; a database that cannot commit means 503,
 * so Feishu retries; an event older than `maxAgeMs` is answered 200 and dropped.
 */
export function addEventRoutes(deps: EventRouteDeps): (app: Hono<AppEnv>) => void {
  const now = deps.now ?? Date.now;
  return (app) => {
    app.post('/feishu/:connection/events', async (c) => {
      const started = performance.now();
      const logger = c.get('logger');
      const name = c.req.param('connection');
      const connection = deps.connection(name);
      if (connection === undefined) throw new GatewayError('events.unknown_connection', `no Feishu connection is named "${name}"`);
      const rawBody = await readRawBody(c);
      const headers = Object.fromEntries([...c.req.raw.headers.entries()].map(([key, value]) => [key.toLowerCase(), value]));
      const answered = (type: string, outcome: string) => {
        deps.metrics.received.inc({ connection: name, type, outcome });
        deps.metrics.ack.observe({ transport: 'http' }, (performance.now() - started) / 1000);
      };
      let opened: ReturnType<typeof openPush>;
      try {
        opened = openPush({ headers, rawBody }, connection, { now: now(), maxAgeMs: deps.maxAgeMs });
      } catch (error) {
        answered('unknown', isGatewayError(error) ? error.code : 'error');
        throw error;
      }
      if (opened.kind === 'challenge') {
        answered('url_verification', 'challenge');
        return c.json({ challenge: opened.challenge });
      }

      await storePush(opened, { connection: name, transport: 'http', inbox: deps.inbox, registry: deps.registry, logger, started, answered });
      return c.json({ msg: 'success' });
    });
  };
}
