import path from 'node:path';
import { createEmulator, type Emulator } from '@feishu-gateway/emulator';
import { loadConfig, type Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { startGateway, type Gateway } from '../main.ts';

export type Demo = {
  readonly gateway: Gateway;
  readonly emulator: Emulator;
  /** An API key for `/api/v1` (scopes `directory:read`, `events:read`), new at each start. */
  readonly apiKey: string;
  stop(): Promise<void>;
};

/** The contact events the demo app subscribes to, so that changes made in the emulator flow in. */
const CONTACT_EVENTS = [
  'contact.user.created_v3',
  'contact.user.updated_v3',
  'contact.user.deleted_v3',
  'contact.department.created_v3',
  'contact.department.updated_v3',
  'contact.department.deleted_v3',
  'contact.scope.updated_v3',
];
const DEMO_KEY_NAME = 'demo';

/**
 * Demo mode (`npm start` with no Feishu connection configured): the Feishu Emulator runs in this
 * process with a seeded company of about 200 people in 20 departments, the gateway's `default`
 * connection points at it with its event push aimed back at the gateway, the directory is synced,
 * and an API key is made for trying `/api/v1`. Its data lives in `DATA_DIR/demo` on PGlite, apart
 * from a real installation's.
 */
export async function startDemo(base: Config, env: Readonly<Record<string, string | undefined>>, logger: Logger): Promise<Demo> {
  const emulator = await createEmulator({ seed: 20_261_122, users: 200, departments: 20, host: '127.0.0.1' });
  try {
    const app = emulator.defaultApp();
    const config = loadConfig({
      env: {
        ...env,
        DATABASE_URL: undefined,
        DATA_DIR: path.join(base.dataDir, 'demo'),
        FEISHU_APP_ID: app.appId,
        FEISHU_APP_SECRET: app.appSecret,
        FEISHU_APP_TYPE: 'self_built',
        FEISHU_ENCRYPT_KEY: app.encryptKey,
        FEISHU_VERIFICATION_TOKEN: app.verificationToken,
        FEISHU_DOMAIN: emulator.url,
        FEISHU_EVENT_MODE: 'http',
      },
      cwd: process.cwd(),
    });
    const gateway = await startGateway(config, logger);
    try {
      const answer = await fetch(`${emulator.url}/_emulator/apps/${app.appId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event_request_url: `${gateway.url}/feishu/default/events`, subscribed_events: CONTACT_EVENTS }),
      });
      if (!answer.ok) throw new Error(`the emulator refused the demo app's event URL (HTTP ${answer.status})`);
      // One demo key at a time: the previous start's is revoked.
      for (const old of await gateway.apiKeys.list()) if (old.name === DEMO_KEY_NAME && old.revokedAt === undefined) await gateway.apiKeys.revoke(old.id);
      const { key } = await gateway.apiKeys.create({ name: DEMO_KEY_NAME, scopes: ['directory:read', 'events:read'] });
      return {
        gateway,
        emulator,
        apiKey: key,
        async stop() {
          await gateway.stop();
          await emulator.close();
        },
      };
    } catch (error) {
      await gateway.stop();
      throw error;
    }
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** The banner `npm start` prints in demo mode: what this is, and a request to try. */
export function demoBanner(demo: Demo, synced: boolean): string {
  const url = demo.gateway.url;
  const notice = ['DEMO MODE — connected to the Feishu Emulator, not to Feishu.', 'No Feishu app is configured (FEISHU_APP_ID and the other FEISHU_*', 'settings; docs/feishu-console.md). Data: DATA_DIR/demo.'];
  const width = Math.max(...notice.map((line) => line.length)) + 4;
  return [
    '',
    `  ┌${'─'.repeat(width)}┐`,
    ...notice.map((line) => `  │  ${line.padEnd(width - 2)}│`),
    `  └${'─'.repeat(width)}┘`,
    '',
    `  Gateway:   ${url}`,
    `  Emulator:  ${demo.emulator.url}  (a seeded company of about 200 people)`,
    `  Directory: ${synced ? 'synced' : 'syncing (a few seconds)'}`,
    `  API key:   ${demo.apiKey}  (directory:read, events:read; new at each start)`,
    '',
    '  Try:',
    `    curl -H 'Authorization: Bearer ${demo.apiKey}' '${url}/api/v1/directory/users?limit=5'`,
    '',
  ].join('\n');
}
