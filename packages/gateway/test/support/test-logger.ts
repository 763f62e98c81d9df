import { createLogger, type Logger } from '../../src/log/index.ts';

/** A real gateway logger whose JSON lines are kept in memory, for assertions on what was logged. */
export function createTestLogger(options: { secrets?: readonly string[]; level?: string } = {}): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const logger = createLogger({
    level: options.level ?? 'trace',
    format: 'json',
    secrets: options.secrets ?? [],
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines, text: () => lines.join('') };
}
