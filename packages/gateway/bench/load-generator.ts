/**
 * The load generator of `bench:events`, run in a child process by `startLoadGeneratorChild`: for
 * each phase it is sent, it builds every signed and encrypted push first (off the clock), then
 * posts them over keep-alive connections on loopback and answers with the phase's figures.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { feishuPush, type FeishuPush } from './feishu-push.ts';
import { latencySummary } from './latency-summary.ts';
import type { ChildAnswer, ChildRequest, LoadPhase, LoadTarget, PhaseResult } from './load-generator-child.ts';
import { runPool } from './run-pool.ts';

/** A request still unanswered after this counts as a failure (Feishu itself gives up at 3 s). */
const REQUEST_TIMEOUT_MS = 10_000;
/** Sockets the paced phase may open: enough that a slow answer never holds back the schedule. */
const PACED_SOCKETS = 512;

type Prepared = { readonly eventId: string; readonly push: FeishuPush };
type Answer = { readonly status: number; readonly body: string } | { readonly error: string };

function envelope(target: LoadTarget, eventId: string, index: number, nowMs: number): string {
  // An im.message.receive_v1 of ordinary size (about 0.8 kB encrypted), with a unique id.
  return JSON.stringify({
    schema: '2.0',
    header: { event_id: eventId, event_type: target.eventType, create_time: String(nowMs), token: target.verificationToken, app_id: target.appId, tenant_key: 'bench-tenant' },
    event: {
      sender: { sender_id: { open_id: `ou_${randomBytes(16).toString('hex')}`, user_id: `u${index % 400}`, union_id: `on_${randomBytes(16).toString('hex')}` }, sender_type: 'user', tenant_key: 'bench-tenant' },
      message: {
        message_id: `om_${randomBytes(16).toString('hex')}`,
        chat_id: `oc_${randomBytes(16).toString('hex')}`,
        chat_type: 'p2p',
        message_type: 'text',
        create_time: String(nowMs),
        content: JSON.stringify({ text: `bench event ${index}` }),
      },
    },
  });
}

function prepare(target: LoadTarget, phase: LoadPhase): Prepared[] {
  const nowMs = Date.now();
  return Array.from({ length: phase.events }, (_, index) => {
    const eventId = `${phase.idPrefix}-${index}-${randomBytes(6).toString('hex')}`;
    return { eventId, push: feishuPush(target.encryptKey, envelope(target, eventId, index, nowMs), nowMs) };
  });
}

function post(url: URL, agent: Agent, push: FeishuPush): Promise<Answer> {
  return new Promise((resolve) => {
    const outgoing = request(url, { method: 'POST', agent, headers: push.headers, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => resolve({ error: error.message }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    outgoing.end(push.body);
  });
}

async function runPhase(target: LoadTarget, phase: LoadPhase): Promise<PhaseResult> {
  const buildStarted = performance.now();
  const prepared = prepare(target, phase);
  const buildMs = performance.now() - buildStarted;
  const url = new URL(target.url);
  const agent = new Agent({ keepAlive: true, maxSockets: phase.mode === 'closed' ? phase.concurrency : PACED_SOCKETS });
  const latencies = new Float64Array(phase.events);
  const lags = new Float64Array(phase.mode === 'paced' ? phase.events : 0);
  const failures: Record<string, number> = {};
  const ackedIds: string[] = [];
  const judge = (index: number, answer: Answer, fromMs: number) => {
    latencies[index] = performance.now() - fromMs;
    const item = prepared[index];
    if ('error' in answer) failures[answer.error] = (failures[answer.error] ?? 0) + 1;
    else if (answer.status === 200 && answer.body === target.ackBody && item !== undefined) ackedIds.push(item.eventId);
    else {
      const key = answer.status === 200 ? `200 with body ${answer.body.slice(0, 60) || '(empty)'}` : String(answer.status);
      failures[key] = (failures[key] ?? 0) + 1;
    }
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  if (phase.mode === 'closed') {
    await runPool(phase.events, phase.concurrency, async (index) => {
      const item = prepared[index];
      if (item === undefined) return;
      const sentAt = performance.now();
      judge(index, await post(url, agent, item.push), sentAt);
    });
  } else {
    const intervalMs = 1000 / phase.perSecond;
    const inFlight: Promise<void>[] = [];
    for (let index = 0; index < phase.events; index += 1) {
      const dueAt = started + index * intervalMs;
      const wait = dueAt - performance.now();
      if (wait >= 1) await sleep(wait);
      const item = prepared[index];
      if (item === undefined) continue;
      lags[index] = Math.max(0, performance.now() - dueAt);
      const sending = post(url, agent, item.push).then((answer) => judge(index, answer, dueAt));
      inFlight.push(sending);
    }
    await Promise.all(inFlight);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    name: phase.name,
    sent: phase.events,
    acked: ackedIds.length,
    seconds,
    acksPerSecond: ackedIds.length / seconds,
    latencyMs: latencySummary(latencies),
    sendLagMs: phase.mode === 'paced' ? latencySummary(lags) : undefined,
    failures,
    ackedIds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    buildMs,
  };
}

process.on('message', (message: ChildRequest) => {
  runPhase(message.target, message.phase).then(
    (result) => process.send?.({ result } satisfies ChildAnswer),
    (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) } satisfies ChildAnswer),
  );
});
// The parent going away ends the generator.
process.on('disconnect', () => process.exit(0));
