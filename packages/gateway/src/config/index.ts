export type { Config, ConfigProblem, FeishuConnectionConfig } from './config.ts';
export { configSchema } from './config-schema.ts';
export { formatConfigProblems, loadConfig, secretValuesOf, type LoadConfigInput } from './load-config.ts';
export { renderConfigDoc } from './render-config-doc.ts';
