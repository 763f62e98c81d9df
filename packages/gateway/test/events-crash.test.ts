import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/src/index.ts';
import { control } from './support/emulator-control.ts';
import { gatewayEnvFor } from './support/gateway-env-for.ts';
import { createPostgresDatabase } from './support/test-databases.ts';
import { until } from './support/until.ts';

const USER_CREATED = 'contact.user.created_v3';
const EVENTS = 2_000;
const scriptPath = new URL('./support/counting-gateway.ts', import.meta.url).pathname;

type Delivery = { event_id: string; attempt: number; status: string };

/** A port nothing listens on now, so that a restarted gateway can take the same URL. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function startCountingGateway(env: Record<string, string>): { child: ChildProcess; listening: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [scriptPath], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"counting gateway listening","url":"([^"]+)"/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => reject(new Error(`gateway exited (${code ?? signal}) before listening:\n${output}`)));
  });
  return { child, listening, output: () => output };
}

describe.each(['http', 'websocket'] as const)('a gateway killed with SIGKILL while events are in flight, over %s', (transport) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('ends, with Feishu retrying, with every one of 2,000 events handled exactly once', { timeout: 240_000 }, async () => {
    const database = await createPostgresDatabase();
    cleanups.push(async () => await database.drop());
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(async () => await client.end());
    await client.query('create table crash_test_handled (event_id text primary key, times integer not null)');
    const counted = async () => (await client.query<{ rows: string; times: string }>('select count(*) as rows, coalesce(sum(times), 0) as times from crash_test_handled')).rows[0];

    const emulator: Emulator = await createEmulator({ seed: 606, users: 10, departments: 2 });
    cleanups.push(async () => await emulator.close());
    const app = emulator.defaultApp();
    if (transport === 'websocket') await control(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_mode: 'websocket', subscribed_events: [USER_CREATED] });
    const port = await freePort();
    const env = gatewayEnvFor(emulator, {
      DATABASE_URL: database.url,
      GATEWAY_SECRET_KEY: randomBytes(32).toString('base64'),
      PORT: String(port),
      LOG_LEVEL: 'error',
      // The lease of a dispatch killed with its process: short, so the test need not wait a minute.
      EVENTS_HANDLER_TIMEOUT_SECONDS: '5',
      // Feishu sends plaintext over the long connection: no Encrypt Key there.
      ...(transport === 'websocket' ? { FEISHU_EVENT_MODE: 'websocket', FEISHU_ENCRYPT_KEY: '' } : {}),
    });
    const connected = async () => {
      if (transport === 'http') return;
      await until(async () => ((await control<{ items: unknown[] }>(emulator, 'GET', '/_emulator/long-connections')).items.length > 0 ? true : undefined), 30_000);
    };
    const first = startCountingGateway(env);
    cleanups.push(async () => void first.child.kill('SIGKILL'));
    const url = await first.listening;
    if (transport === 'http') {
      const subscribed = await control<{ url_verification?: { ok: boolean } }>(emulator, 'PATCH', `/_emulator/apps/${app.appId}`, { event_request_url: `${url}/feishu/default/events`, subscribed_events: [USER_CREATED] });
      expect(subscribed.url_verification?.ok).toBe(true);
    }
    await connected();

    // 2,000 people join; each is one pushed event. The gateway is killed once a fifth are handled,
    // while pushes are still arriving, being committed and being dispatched.
    const creating = (async () => {
      for (let start = 0; start < EVENTS; start += 50) {
        await Promise.all(Array.from({ length: 50 }, async (_, offset) => await control(emulator, 'POST', '/_emulator/directory/users', { name: `Crash Person ${start + offset}` })));
      }
    })();
    await until(async () => (Number((await counted())?.rows) >= EVENTS / 5 ? true : undefined), 60_000);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const atKill = Number((await counted())?.rows);
    await creating;

    const second = startCountingGateway(env);
    cleanups.push(async () => {
      second.child.kill('SIGTERM');
      if (second.child.exitCode === null) await once(second.child, 'exit');
    });
    await second.listening;
    await connected();

    // Feishu retries failed pushes after 15 s, 5 min, 1 h and 6 h: bring the emulated clock
    // forward until every event has been delivered, and every delivered event handled.
    const deliveries = async () => (await control<{ items: Delivery[] }>(emulator, 'GET', `/_emulator/deliveries?event_type=${USER_CREATED}`)).items;
    await until(
      async () => {
        const items = await deliveries();
        const delivered = new Set(items.filter((item) => item.status === 'delivered').map((item) => item.event_id));
        if (delivered.size < EVENTS) {
          await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 20 * 60 });
          await sleep(1_000);
          return undefined;
        }
        return Number((await counted())?.rows) === EVENTS ? true : undefined;
      },
      150_000,
    );

    const items = await deliveries();
    const eventIds = new Set(items.map((item) => item.event_id));
    expect(eventIds.size).toBe(EVENTS);
    // The kill was mid-flight: some pushes failed and were retried, and most events were still to come.
    expect(items.some((item) => item.attempt > 1)).toBe(true);
    expect(atKill).toBeLessThan(EVENTS);

    const handled = (await client.query<{ event_id: string; times: number }>('select event_id, times from crash_test_handled')).rows;
    expect(new Set(handled.map((row) => row.event_id))).toEqual(eventIds);
    expect(handled.filter((row) => row.times !== 1)).toEqual([]);
    const inbox = (await client.query<{ status: string; count: string }>('select status, count(*) from event_inbox group by status')).rows;
    expect(inbox.map((row) => [row.status, Number(row.count)])).toEqual([['handled', EVENTS]]);
    const transports = (await client.query<{ transport: string }>('select distinct transport from event_inbox')).rows;
    expect(transports.map((row) => row.transport)).toEqual([transport]);
  });
});
