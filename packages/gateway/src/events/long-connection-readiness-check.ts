import { GatewayError } from '../errors/index.ts';
import type { ReadinessCheck } from '../http/index.ts';
import type { LongConnection } from './create-long-connection.ts';

/**
 * The `/readyz` entry of a long connection, `feishu:<connection>:long-connection`: passes while
 * it is connected, and otherwise reports its state, since when, and the last failure. Advisory,
 * like the other Feishu checks: a Feishu that refuses every instance alike must not take them
 * all out of the load balancer.
 *
 * @example
 * readinessChecks: [...feishu.readinessChecks, longConnectionReadinessCheck(longConnection)]
 */
export function longConnectionReadinessCheck(longConnection: LongConnection): ReadinessCheck {
  return {
    name: `feishu:${longConnection.name}:long-connection`,
    advisory: true,
    check: async () => {
      const status = longConnection.status();
      if (status.state === 'connected') return;
      const failure = status.lastError === undefined ? '' : `: ${status.lastError.message}`;
      throw new GatewayError('events.long_connection_down', `long connection ${status.state} since ${status.since.toISOString()}${failure}`, {
        details: { connection: longConnection.name, state: status.state, code: status.lastError?.code },
      });
    },
  };
}
