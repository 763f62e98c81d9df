import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redactValue, scrubText } from './redact-value.ts';
import { scrubStream } from './scrub-stream.ts';

export type { Logger } from 'pino';

export type CreateLoggerOptions = {
  readonly level: string;
  readonly format: 'auto' | 'json' | 'pretty';
  /** Secret values to scrub from every line, wherever they appear. */
  readonly secrets?: readonly string[];
  /** Defaults to standard output. */
  readonly destination?: DestinationStream;
  /** Whether output goes to a terminal; decides `auto`. Defaults to `process.stdout.isTTY`. */
  readonly isTerminal?: boolean;
};

/**
 * The gateway's logger: pino writing JSON lines (or readable lines on a terminal), with
 * secrets, tokens, `encrypt` payloads, message content, emails and mobiles redacted.
 *
 * @example
 * const logger = createLogger({ level: 'info', format: 'auto', secrets: secretValuesOf(config) });
 * logger.info({ appId }, 'connection ready');
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const base = options.destination ?? pino.destination({ dest: 1, sync: true });
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && (options.isTerminal ?? process.stdout.isTTY));
  const output = usePretty ? pretty({ destination: base, colorize: options.isTerminal ?? false, sync: true }) : base;
  return pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Runs before pino's serializers, so errors are turned into redacted objects here.
        log: (object) => redactValue(object) as Record<string, unknown>,
        bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    scrubStream(output, options.secrets ?? []),
  );
}
