import { configSchema, type ConfigKey } from './config-schema.ts';

/** Renders `docs/configuration.md` from the schema, so the documentation cannot drift. */
export function renderConfigDoc(): string {
  const rows = (Object.keys(configSchema.shape) as ConfigKey[]).map((key) => {
    const field = configSchema.shape[key];
    const meta = field.meta() ?? {};
    const parsedDefault = field.safeParse(undefined);
    const defaultText = parsedDefault.success && parsedDefault.data !== undefined ? `\`${String(parsedDefault.data)}\`` : '—';
    const secretText = meta['secret'] === true ? ' **Secret**: never logged.' : '';
    return `| \`${key}\` | ${defaultText} | ${String(meta.description ?? '')}${secretText} |`;
  });
  return `# Configuration

<!-- Generated from packages/gateway/src/config/config-schema.ts by \`npm run docs\`. Do not edit. -->

The gateway reads its settings from environment variables and, optionally, from a JSON or YAML
file given with \`feishu-gateway start --config FILE\` that uses the same keys (environment values
win over the file). Everything is validated at start-up: every problem is printed with its key and
a hint, and the process exits with status 2 before any port opens. An empty value counts as unset.

With nothing configured, the gateway runs on an embedded PGlite database under \`DATA_DIR\` and
generates its secret key there. Setting \`FEISHU_APP_ID\` and the other \`FEISHU_*\` keys defines the
connection named \`default\`.

| key | default | meaning |
|---|---|---|
${rows.join('\n')}
`;
}
