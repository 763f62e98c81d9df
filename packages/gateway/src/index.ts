// The gateway's TypeScript API for custom logic and for embedding.
export { loadConfig, type Config } from './config/index.ts';
export { GatewayError, isGatewayError, type ErrorCode } from './errors/index.ts';
export { defineJob, type JobContext, type JobDefinition } from './jobs/index.ts';
export { startGateway, type Gateway, type StartOptions } from './main.ts';
