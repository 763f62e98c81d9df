import { GatewayError } from '../errors/index.ts';
import type { WebhookDelivery, WebhookSubscription, WebhookSubscriptions } from './create-webhook-subscriptions.ts';
import type { WebhookDeliveryStatus } from './webhook-tables.ts';

export type WebhooksCommand =
  | { action: 'create'; url: string; events: string[]; connection: string | undefined }
  | { action: 'list' }
  | { action: 'delete' | 'enable' | 'disable'; id: string }
  | { action: 'deliveries'; id: string; status: WebhookDeliveryStatus | undefined };

export type WebhooksFlags = {
  readonly url?: string | undefined;
  readonly events?: string | undefined;
  readonly connection?: string | undefined;
  readonly status?: string | undefined;
};

type Output = { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void };

// The newest deliveries `webhooks deliveries` prints; the API pages through the rest.
const DELIVERIES_SHOWN = 100;

const flagsOf: Readonly<Record<WebhooksCommand['action'], readonly (keyof WebhooksFlags)[]>> = {
  create: ['url', 'events', 'connection'],
  list: [],
  delete: [],
  enable: [],
  disable: [],
  deliveries: ['status'],
};

/**
 * Reads `webhooks create|list|delete|enable|disable|deliveries` from the command line, before
 * anything is opened. Rejects with `cli.usage`.
 *
 * @example
 * parseWebhooksCommand(['create'], { url: 'https://hr.example.com/hooks', events: 'user.*,department.created' });
 */
export function parseWebhooksCommand(args: readonly string[], flags: WebhooksFlags): WebhooksCommand {
  const [action, ...rest] = args;
  const usage = (message: string) => new GatewayError('cli.usage', message);
  if (action === undefined) throw usage('webhooks needs create, list, delete, enable, disable or deliveries');
  if (!Object.hasOwn(flagsOf, action)) throw usage(`unknown webhooks command "${action}"`);
  const known = action as WebhooksCommand['action'];
  const foreign = (Object.keys(flags) as (keyof WebhooksFlags)[]).find((flag) => flags[flag] !== undefined && !flagsOf[known].includes(flag));
  if (foreign !== undefined) throw usage(`--${foreign} is not an option of webhooks ${known}`);

  if (known === 'create') {
    if (rest.length > 0) throw usage(`unexpected argument "${rest[0] ?? ''}"`);
    if (flags.url === undefined || flags.url.trim() === '') throw usage('webhooks create needs --url URL');
    if (flags.events === undefined || flags.events.trim() === '') throw usage('webhooks create needs --events TYPES, such as user.*,department.created');
    const events = flags.events
      .split(',')
      .map((type) => type.trim())
      .filter((type) => type !== '');
    return { action: known, url: flags.url, events, connection: flags.connection };
  }
  if (known === 'list') {
    if (rest.length > 0) throw usage(`unexpected argument "${rest[0] ?? ''}"`);
    return { action: known };
  }
  const [id, ...extra] = rest;
  if (id === undefined) throw usage(`webhooks ${known} needs the id of the webhook (see webhooks list)`);
  if (extra.length > 0) throw usage(`unexpected argument "${extra[0] ?? ''}"`);
  if (known === 'deliveries') {
    const { status } = flags;
    if (status !== undefined && status !== 'pending' && status !== 'delivered' && status !== 'failed') throw usage('--status must be pending, delivered or failed');
    return { action: known, id, status };
  }
  return { action: known, id };
}

/**
 * Runs a parsed `webhooks` command. A new webhook's signing secret goes alone to stdout, so that
 * scripts can capture it (`SECRET=$(feishu-gateway webhooks create …)`), and the explanation to
 * stderr. Subscriptions take effect on running gateways within seconds (their cache), and
 * re-enabled ones resume at the next sweep.
 */
export async function runWebhooksCommand(subscriptions: WebhookSubscriptions, command: WebhooksCommand, io: Output): Promise<void> {
  switch (command.action) {
    case 'create': {
      const { subscription, secret } = await subscriptions.create({ url: command.url, events: command.events, connection: command.connection });
      io.stdout(`${secret}\n`);
      const scope = subscription.connection === undefined ? '' : ` (connection ${subscription.connection})`;
      io.stderr(`Created webhook ${subscription.id} to ${subscription.url} for ${subscription.events.join(', ')}${scope}. The signing secret above is shown only this once; give it to the receiver now.\n`);
      return;
    }
    case 'delete':
      await subscriptions.remove(command.id);
      io.stdout(`Deleted webhook ${command.id} and its delivery log.\n`);
      return;
    case 'enable':
    case 'disable': {
      const subscription = await subscriptions.setEnabled(command.id, command.action === 'enable');
      io.stdout(`Webhook ${subscription.id} is ${subscription.enabled ? 'enabled' : 'disabled'}.\n`);
      return;
    }
    case 'deliveries': {
      const deliveries = await subscriptions.deliveries(command.id, { limit: DELIVERIES_SHOWN, ...(command.status === undefined ? {} : { status: command.status }) });
      if (deliveries.length === 0) {
        io.stdout(`No deliveries${command.status === undefined ? '' : ` with status ${command.status}`} for webhook ${command.id}.\n`);
        return;
      }
      io.stdout(formatTable(['ID', 'EVENT', 'ENTITY', 'STATUS', 'ATTEMPTS', 'LAST RESULT', 'CREATED', 'FINISHED / NEXT'], deliveries.map(deliveryColumns)));
      return;
    }
    case 'list': {
      const all = await subscriptions.list();
      if (all.length === 0) {
        io.stdout('No webhooks. Create one with: feishu-gateway webhooks create --url URL --events user.*\n');
        return;
      }
      io.stdout(formatTable(['ID', 'URL', 'EVENTS', 'CONNECTION', 'STATUS', 'CREATED'], all.map(subscriptionColumns)));
    }
  }
}

const time = (date: Date | undefined) => (date === undefined ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z'));

function subscriptionColumns(subscription: WebhookSubscription): string[] {
  return [subscription.id, subscription.url, subscription.events.join(','), subscription.connection ?? '*', subscription.enabled ? 'enabled' : 'disabled', time(subscription.createdAt)];
}

function deliveryColumns(delivery: WebhookDelivery): string[] {
  const result = delivery.lastError !== undefined ? `${delivery.lastError.code}${delivery.lastStatus === undefined ? '' : ` (${delivery.lastStatus})`}` : delivery.lastStatus === undefined ? '-' : String(delivery.lastStatus);
  return [delivery.id, delivery.eventType, delivery.entityKey, delivery.status, String(delivery.attempts), result, time(delivery.createdAt), time(delivery.finishedAt ?? delivery.nextAttemptAt)];
}

function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`;
  return [header, ...rows].map(line).join('');
}
