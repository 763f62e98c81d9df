/**
 * A gateway process for crash tests: configured from its environment like `feishu-gateway start`
 * (database already migrated or not), plus one transactional handler that counts every
 * `contact.user.created_v3` it handles in `crash_test_handled` (event_id, times), a table the
 * test creates in the gateway's database. Prints one JSON line `{"msg":"counting gateway
 * listening","url":…}` when it serves. Meant to be killed.
 */
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { startGateway } from '../../src/main.ts';

const config = loadConfig({ env: process.env, cwd: process.cwd() });
const logger = createLogger({ level: config.log.level, format: 'json', secrets: [] });
const gateway = await startGateway(config, logger, {
  register: (events) =>
    events.registry.onInTransaction('contact.user.created_v3', async (event, transaction) => {
      await sql`insert into crash_test_handled (event_id, times) values (${event.eventId}, 1)
                on conflict (event_id) do update set times = crash_test_handled.times + 1`.execute(transaction);
    }),
});
process.stdout.write(`${JSON.stringify({ msg: 'counting gateway listening', url: gateway.url })}\n`);
