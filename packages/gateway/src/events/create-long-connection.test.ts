import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../../emulator/src/index.ts';
import { control } from '../../test/support/emulator-control.ts';
import { startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy.ts';
import { backends, createPostgresDatabase, type TestBackend } from '../../test/support/test-databases.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import type { FeishuConnectionConfig } from '../config/index.ts';
import { openPostgres, runMigrations, type Database } from '../db/index.ts';
import { createJobRunner, type JobRunner } from '../jobs/index.ts';
import { createKeyring } from '../secrets/index.ts';
import { createDispatchJob } from './create-dispatch-job.ts';
import { createEventInbox, type EventInbox } from './create-event-inbox.ts';
import { createEventMetrics } from './create-event-metrics.ts';
import { createLongConnection, type LongConnection, type LongConnectionDeps } from './create-long-connection.ts';
import { createEventRegistry, type InboundEvent } from './event-registry.ts';
import { longConnectionReadinessCheck } from './long-connection-readiness-check.ts';
import { until } from '../../test/support/until.ts';

const USER_CREATED = 'contact.user.created_v3';
const DAY_MS = 24 * 3_600_000;

type Delivery = { event_id: string; attempt: number; status: string; transport: string; connection_id: string | null; ack_code: number | null; duplicate: boolean };
type ConnectionInfo = { connection_id: string; silenced: boolean };

const nameOf = (event: InboundEvent) => ((event.payload['event'] as Record<string, unknown>)['object'] as { name: string }).name;

/** An emulator whose default app takes user-created events over a long connection, with second-scale timings. */
async function startEmulator(seed: number): Promise<Emulator> {
  const emulator = await createEmulator({ seed, users: 3, departments: 1 });
  await control(emulator, 'PATCH', `/_emulator/apps/${emulator.defaultApp().appId}`, { event_mode: 'websocket', subscribed_events: [USER_CREATED] });
  await control(emulator, 'PATCH', '/_emulator/long-connections/config', { ping_interval: 1, reconnect_interval: 1, reconnect_nonce: 0 });
  return emulator;
}

/**
 * One gateway "instance" assembled by hand: inbox, dispatch job and job runner on `database`,
 * and the long connection of the emulator's default app. Handled events land in `handled`.
 */
async function startInstance(emulator: Emulator, database: Database, options: { handled: InboundEvent[]; keyring: ReturnType<typeof createKeyring>; connection?: Partial<FeishuConnectionConfig>; deps?: Partial<LongConnectionDeps> }) {
  const app = emulator.defaultApp();
  const connection: FeishuConnectionConfig = {
    name: 'default',
    appId: app.appId,
    appSecret: app.appSecret,
    appType: 'self_built',
    encryptKey: app.encryptKey,
    verificationToken: app.verificationToken,
    domain: emulator.url,
    eventMode: 'websocket',
    ...options.connection,
  };
  const test = createTestLogger({ level: 'info' });
  const metricsRegistry = new Registry();
  const metrics = createEventMetrics(metricsRegistry);
  const registry = createEventRegistry();
  registry.on(USER_CREATED, async (event) => void options.handled.push(event));
  const dispatchJob = createDispatchJob({ inbox: () => inbox, registry, metrics });
  const inbox: EventInbox = createEventInbox({ database, keyring: options.keyring, jobs: () => runner, dispatchJob });
  const runner: JobRunner = createJobRunner({ database, logger: test.logger, jobs: [dispatchJob], pollingIntervalSeconds: 0.5 });
  await runner.start();
  const longConnection = createLongConnection({
    connection,
    inbox,
    registry,
    metrics,
    metricsRegistry,
    maxAgeMs: DAY_MS,
    logger: test.logger,
    // Below the emulator's 1 s ping interval, so a silent socket is noticed at the next ping.
    pingTimeoutSeconds: 0.5,
    restart: { baseMs: 50, capMs: 300, refusedMs: 100 },
    ...options.deps,
  });
  longConnection.start();
  return {
    longConnection,
    metricsRegistry,
    log: test,
    async stop() {
      await longConnection.stop();
      await runner.stop({ timeoutMs: 1_000 });
    },
  };
}

/** The error the readiness check rejects with (it must reject). */
async function readinessFailure(longConnection: LongConnection): Promise<Error> {
  const outcome = await longConnectionReadinessCheck(longConnection).check().then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('the readiness check passed');
  return outcome;
}

const connected = (longConnection: LongConnection) => until(() => (longConnection.status().state === 'connected' ? true : undefined));

describe.each(backends)('the long connection on $name', (backend: TestBackend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(seed: number) {
    const emulator = await startEmulator(seed);
    cleanups.push(async () => await emulator.close());
    const opened = await backend.open();
    cleanups.push(async () => await opened.cleanup());
    await runMigrations(opened.database);
    const keyring = createKeyring([randomBytes(32).toString('base64')]);
    const handled: InboundEvent[] = [];
    const instance = async (options: { connection?: Partial<FeishuConnectionConfig>; deps?: Partial<LongConnectionDeps> } = {}) => {
      const started = await startInstance(emulator, opened.database, { handled, keyring, ...options });
      cleanups.push(async () => await started.stop());
      return started;
    };
    const app = emulator.defaultApp();
    const rows = async () => await opened.database.kysely.selectFrom('event_inbox').selectAll().execute();
    const deliveries = async () => (await control<{ items: Delivery[] }>(emulator, 'GET', `/_emulator/deliveries?event_type=${USER_CREATED}`)).items;
    const clients = async () => (await control<{ items: ConnectionInfo[] }>(emulator, 'GET', `/_emulator/long-connections?app_id=${app.appId}`)).items;
    const createUser = async (name: string) => await control(emulator, 'POST', '/_emulator/directory/users', { name });
    const handledNames = () => handled.map(nameOf).sort();
    return { emulator, app, handled, instance, rows, deliveries, clients, createUser, handledNames };
  }

  it('stores an event pushed over the long connection, handles it once, and reports the connection up', async () => {
    const { instance, createUser, handledNames, rows, deliveries } = await setUp(201);
    const { longConnection, metricsRegistry } = await instance();
    await connected(longConnection);
    await expect(longConnectionReadinessCheck(longConnection).check()).resolves.toBeUndefined();
    expect(await metricsRegistry.getSingleMetricAsString('feishu_long_connection_up')).toContain('feishu_long_connection_up{connection="default"} 1');

    await createUser('Over The Socket');
    await until(async () => ((await rows())[0]?.status === 'handled' ? true : undefined));
    expect(handledNames()).toEqual(['Over The Socket']);
    const [row] = await rows();
    expect(row).toMatchObject({ transport: 'websocket', event_type: USER_CREATED });
    expect((await deliveries()).map((item) => [item.transport, item.status, item.ack_code])).toEqual([['websocket', 'delivered', 200]]);
    const received = await metricsRegistry.getSingleMetricAsString('feishu_events_received_total');
    expect(received).toContain(`feishu_events_received_total{connection="default",type="${USER_CREATED}",outcome="stored"} 1`);

    await longConnection.stop();
    expect(longConnection.status().state).toBe('stopped');
    expect(await metricsRegistry.getSingleMetricAsString('feishu_long_connection_up')).toContain('feishu_long_connection_up{connection="default"} 0');
    await expect(longConnectionReadinessCheck(longConnection).check()).rejects.toMatchObject({ code: 'events.long_connection_down' });
  });

  it('survives a dropped connection: it reconnects and the next event arrives', async () => {
    const { emulator, app, instance, clients, createUser, handledNames } = await setUp(202);
    const { longConnection } = await instance();
    await connected(longConnection);
    const [first] = await clients();
    expect(first).toBeDefined();

    await control(emulator, 'POST', '/_emulator/long-connections/drop', { app_id: app.appId });
    const [second] = await until(async () => {
      const now = await clients();
      return now.length === 1 && now[0]?.connection_id !== first?.connection_id ? now : undefined;
    });
    await connected(longConnection);
    expect(second?.connection_id).not.toBe(first?.connection_id);

    await createUser('After The Drop');
    await until(() => (handledNames().length === 1 ? true : undefined));
    expect(handledNames()).toEqual(['After The Drop']);
  });

  it('notices a half-open (silent) socket with the liveness watchdog and reconnects', async () => {
    const { emulator, app, instance, clients, createUser, handledNames } = await setUp(203);
    const { longConnection } = await instance();
    await connected(longConnection);
    const [silenced] = await clients();

    await control(emulator, 'POST', '/_emulator/long-connections/silence', { app_id: app.appId });
    // The silenced socket stays up on the emulator's side until the client gives up on it.
    const [fresh] = await until(async () => {
      const now = await clients();
      return now.length === 1 && now[0]?.connection_id !== silenced?.connection_id ? now : undefined;
    });
    expect(fresh?.silenced).toBe(false);
    await connected(longConnection);

    await createUser('After The Silence');
    await until(() => (handledNames().length === 1 ? true : undefined));
    expect(handledNames()).toEqual(['After The Silence']);
  });

  it('restarts the client the SDK gave up on after "system busy", and events flow once the refusal ends', async () => {
    const { emulator, app, instance, clients, createUser, handledNames } = await setUp(204);
    const { longConnection, log } = await instance();
    await connected(longConnection);

    await control(emulator, 'POST', '/_emulator/long-connections/refuse', { app_id: app.appId, seconds: 600, mode: 'busy' });
    await control(emulator, 'POST', '/_emulator/long-connections/drop', { app_id: app.appId });
    // The SDK stops for good on code 1; each restart meets code 1 again while the refusal lasts.
    await until(() => (log.lines.filter((line) => line.includes('restarting it')).length >= 3 ? true : undefined));
    expect(longConnection.status()).toMatchObject({ state: 'reconnecting', lastError: { code: 1 } });
    const busy = await readinessFailure(longConnection);
    expect(busy).toMatchObject({ code: 'events.long_connection_down' });
    expect(busy.message).toContain('code 1)');
    expect(await clients()).toEqual([]);

    await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 600 });
    await connected(longConnection);
    expect(longConnection.status().lastError).toBeUndefined();
    await createUser('After The Refusal');
    await until(() => (handledNames().length === 1 ? true : undefined));
    expect(handledNames()).toEqual(['After The Refusal']);
  });

  it('lets two instances each hold a connection, and handles every event exactly once', async () => {
    const { emulator, app, instance, clients, createUser, handledNames, rows, deliveries } = await setUp(205);
    const [one, two] = [await instance(), await instance()];
    await connected(one.longConnection);
    await connected(two.longConnection);
    expect(await until(async () => ((await clients()).length === 2 ? await clients() : undefined))).toHaveLength(2);
    // Every event is pushed twice, so both instances see events and duplicates across them.
    await control(emulator, 'POST', '/_emulator/event-faults', { app_id: app.appId, duplicate_rate: 1 });

    const names = Array.from({ length: 10 }, (_, index) => `Person ${String(index).padStart(2, '0')}`);
    for (const name of names) await createUser(name);
    const all = await until(async () => {
      const items = await deliveries();
      return items.length === 20 && items.every((item) => item.status === 'delivered') ? items : undefined;
    });
    await until(async () => ((await rows()).filter((row) => row.status === 'handled').length === 10 ? true : undefined));
    expect(handledNames()).toEqual(names);
    expect(await rows()).toHaveLength(10);
    expect(new Set(all.map((item) => item.connection_id)).size).toBe(2);
    expect(all.every((item) => item.ack_code === 200)).toBe(true);
  });

  it('acks 500 and stores nothing when the Verification Token differs, and drops stale events with a 200', async () => {
    const { instance, createUser, rows, deliveries } = await setUp(206);
    const forged = await instance({ connection: { verificationToken: 'not-the-apps-token' } });
    await connected(forged.longConnection);
    await createUser('Wrong Token');
    await until(async () => ((await deliveries()).some((item) => item.ack_code !== null) ? true : undefined));
    expect((await deliveries()).map((item) => [item.status, item.ack_code])).toEqual([['retrying', 500]]);
    await forged.stop();

    const late = await instance({ deps: { now: () => Date.now() + 2 * DAY_MS } });
    await connected(late.longConnection);
    await createUser('Too Late');
    await until(async () => ((await deliveries()).length === 2 && (await deliveries())[1]?.status !== 'sending' ? true : undefined));
    expect((await deliveries())[1]).toMatchObject({ status: 'delivered', ack_code: 200 });
    expect(await rows()).toEqual([]);
  });

  it('reports wrong credentials as failed with the code, and keeps retrying slowly', async () => {
    const { instance } = await setUp(207);
    const { longConnection, log } = await instance({ connection: { appSecret: 'wrong-secret' } });
    await until(() => (longConnection.status().state === 'failed' ? true : undefined));
    expect(longConnection.status().lastError).toMatchObject({ code: 514 });
    const refused = await readinessFailure(longConnection);
    expect(refused).toMatchObject({ code: 'events.long_connection_down' });
    expect(refused.message).toContain('code 514');
    await until(() => (log.lines.filter((line) => line.includes('long connection refused')).length >= 3 ? true : undefined));
    expect(longConnection.status().state).toBe('failed');
    // No secret in what was logged.
    expect(log.text()).not.toContain('wrong-secret');
  });
});

describe('the long connection while the database is away', () => {
  it('acks 500 so Feishu redelivers, then stores and handles the event once the database is back', async () => {
    const created = await createPostgresDatabase();
    const target = new URL(created.url);
    const proxy: TcpProxy = await startTcpProxy(Number(target.port || 5432));
    const viaProxy = new URL(created.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const database = await openPostgres({ url: viaProxy.toString(), poolSize: 5, startupTimeoutSeconds: 5, logger: createTestLogger({ level: 'fatal' }).logger });
    const emulator = await startEmulator(208);
    const handled: InboundEvent[] = [];
    let instance: Awaited<ReturnType<typeof startInstance>> | undefined;
    try {
      await runMigrations(database);
      instance = await startInstance(emulator, database, { handled, keyring: createKeyring([randomBytes(32).toString('base64')]) });
      await connected(instance.longConnection);
      const deliveries = async () => (await control<{ items: Delivery[] }>(emulator, 'GET', `/_emulator/deliveries?event_type=${USER_CREATED}`)).items;

      await proxy.cut();
      await control(emulator, 'POST', '/_emulator/directory/users', { name: 'Waits For The Database' });
      const [refused] = await until(async () => {
        const items = await deliveries();
        return items[0] !== undefined && items[0].status !== 'sending' ? items : undefined;
      });
      expect(refused).toMatchObject({ attempt: 1, status: 'retrying', ack_code: 500 });
      expect(handled).toEqual([]);

      await proxy.restore();
      await control(emulator, 'POST', '/_emulator/clock/advance', { seconds: 15 });
      await until(async () => ((await deliveries()).some((item) => item.status === 'delivered') ? true : undefined));
      await until(() => (handled.length > 0 ? true : undefined));
      expect(handled.map(nameOf)).toEqual(['Waits For The Database']);
    } finally {
      await proxy.restore();
      await instance?.stop();
      await database.close();
      await proxy.close();
      await emulator.close();
      await created.drop();
    }
  }, 60_000);
});
