import type { Migration } from 'kysely/migration';
import * as installation from './0001-installation.ts';
import * as feishuTokens from './0002-feishu-tokens.ts';
import * as rateLimits from './0003-rate-limits.ts';
import * as eventInbox from './0004-event-inbox.ts';
import * as apiKeys from './0005-api-keys.ts';
import * as directory from './0006-directory.ts';
import * as webhooks from './0007-webhooks.ts';

/**
 * Every migration, in order. Names are numbered; a migration is never edited once released,
 * a new one is added instead.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-installation': installation,
  '0002-feishu-tokens': feishuTokens,
  '0003-rate-limits': rateLimits,
  '0004-event-inbox': eventInbox,
  '0005-api-keys': apiKeys,
  '0006-directory': directory,
  '0007-webhooks': webhooks,
};
