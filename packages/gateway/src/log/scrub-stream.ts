import type { DestinationStream } from 'pino';

/**
 * Wraps a log destination so that the exact text of configured secrets (App Secret, Encrypt
 * Key, database password…) is replaced on every line, whatever path it took into a message.
 * Key-based redaction catches structured fields; this is the last line of defence for free text.
 */
export function scrubStream(destination: DestinationStream, secrets: readonly string[]): DestinationStream {
  // Very short values would mangle ordinary words; the schema's secrets are all longer.
  const needles = [...new Set(secrets.filter((secret) => secret.length >= 6).flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))];
  if (needles.length === 0) return destination;
  return {
    write(line: string) {
      let safe = line;
      for (const needle of needles) safe = safe.replaceAll(needle, '[redacted]');
      destination.write(safe);
    },
  };
}
