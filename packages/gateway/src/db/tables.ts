import type { Generated } from 'kysely';

/**
 * The typed view of every table, for Kysely. Each capability adds its tables here together with
 * the migration that creates them.
 */
export type Tables = {
  gateway_installation: GatewayInstallationTable;
};

export type GatewayInstallationTable = {
  /** Always true: the table holds exactly one row. */
  singleton: Generated<boolean>;
  installation_id: string;
  /** The installation id sealed with the secret key, to detect a wrong key at start-up. */
  key_check: string;
  created_at: Generated<Date>;
};
