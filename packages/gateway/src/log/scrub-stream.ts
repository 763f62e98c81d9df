import type { DestinationStream } from 'pino';

/**
 * Wraps a log destination so that the exact text of configured secrets (App Secret, Encrypt
 * Key, database password…) is replaced on every line, whatever path it took into a message.
 * Key-based redaction catches structured fields; this is the last line of defence for free text.
 */
export function scrubStream(destination: DestinationStream, secrets: readonly string[]): DestinationStream {
  // A value of one to three characters would mangle ordinary words; real Feishu secrets and
  // generated keys are far longer, so only such degenerate values are left to key redaction.
  const needles = [...new Set(secrets.filter((secret) => secret.length >= 4).flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))];
  if (needles.length === 0) return destination;
  return {
    write(line: string) {
      let safe = line;
      for (const needle of needles) safe = safe.replaceAll(needle, '[redacted]');
      destination.write(safe);
    },
  };
}
