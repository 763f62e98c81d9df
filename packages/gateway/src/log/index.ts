export { createLogger, type CreateLoggerOptions, type Logger } from './create-logger.ts';
export { isSensitiveKey, redactValue, REDACTED, scrubText } from './redact-value.ts';
