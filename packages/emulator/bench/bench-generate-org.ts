import { generateOrg } from '../src/generator/generate-org.ts';
import { createRandom } from '../src/state/random.ts';

export type GenerateResult = { users: number; departments: number; ms: number; rssMb: number; heapUsedMb: number; heapDeltaMb: number };

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Time and memory to generate one large organisation. Run in a fresh process for clean figures. */
export function benchGenerateOrg(users: number, departments: number): GenerateResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const tenant = generateOrg({ random: createRandom(42), tenantKey: 'bench', name: 'Bench Co.', domain: 'bench.example', users, departments, now: Date.now() });
  const ms = Math.round(performance.now() - started);
  gc?.();
  const after = process.memoryUsage();
  if (tenant.users.size !== users) throw new Error(`generated ${tenant.users.size} users, expected ${users}`);
  return { users, departments, ms, rssMb: mb(after.rss), heapUsedMb: mb(after.heapUsed), heapDeltaMb: mb(after.heapUsed - before.heapUsed) };
}

// As a child of run-bench.ts: `node --expose-gc bench/bench-generate-org.ts 100000 5000` prints JSON.
if (import.meta.main) {
  const [users = '100000', departments = '5000'] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(benchGenerateOrg(Number(users), Number(departments)))}\n`);
}
