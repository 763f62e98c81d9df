import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redactValue } from './redact-value.ts';
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
  const logger = pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      // `formatters.log` has already turned errors into redacted objects; pino's default `err`
      // serializer would serialize them again and report every error's type as `Object`.
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        // Runs before pino's serializers, so errors are turned into redacted objects here.
        log: (object) => redactValue(object) as Record<string, unknown>,
        bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, safeArguments(args) as Parameters<typeof method>);
        },
      },
    },
    scrubStream(output, options.secrets ?? []),
  );
  return redactChildBindings(logger);
}

/**
 * The arguments of a log call with the parts `formatters.log` never sees made safe: the message,
 * the values interpolated into it (`%s`, `%j`, `%o`), and an error's message, which pino takes as
 * the line's message when none is given, after this hook has run.
 */
function safeArguments(args: readonly unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (typeof first !== 'object' || first === null) return args.map((arg) => redactValue(arg));
  const [message, ...values] = rest;
  return [first, redactValue(message ?? errorMessageOf(first)), ...values.map((value) => redactValue(value))];
}

function errorMessageOf(mergingObject: object): string | undefined {
  if (mergingObject instanceof Error) return mergingObject.message;
  const { err, msg } = mergingObject as { err?: { message?: unknown } | null; msg?: unknown };
  return msg === undefined && typeof err?.message === 'string' ? err.message : undefined;
}

/**
 * pino applies `formatters.bindings` to the root logger only and writes a child's bindings as
 * given. Children inherit `child` and `setBindings` from the root through their prototype, so
 * replacing them on the root covers children of children too.
 */
function redactChildBindings(logger: Logger): Logger {
  // Both are called below with the logger they were looked up on (`this`), as pino expects.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { child, setBindings } = logger;
  logger.child = function <Levels extends string = never>(this: Logger, bindings: Bindings, options?: ChildLoggerOptions<Levels>) {
    return child.call<Logger, [Bindings, ChildLoggerOptions<Levels>?], Logger<Levels>>(this, redactValue(bindings) as Bindings, options);
  };
  logger.setBindings = function (this: Logger, bindings) {
    setBindings.call(this, redactValue(bindings) as Bindings);
  };
  return logger;
}
