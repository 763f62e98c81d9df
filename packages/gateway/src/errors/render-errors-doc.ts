import { errorCodes } from './error-codes.ts';

/** Renders `docs/errors.md` from the registry, so the documentation cannot drift from the code. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(errorCodes)
    .map(([code, { status, description }]) => `| \`${code}\` | ${status} | ${description} |`)
    .join('\n');
  return `# Error codes

<!-- Generated from packages/gateway/src/errors/error-codes.ts by \`npm run docs\`. Do not edit. -->

Every error the gateway reports carries one of these stable codes. HTTP responses have the shape
\`{"error":{"code":"…","message":"…"}}\` and never contain a stack trace; 5xx responses carry a
generic message, and the request id (header \`x-request-id\`) finds the details in the log.

| code | HTTP status | meaning |
|---|---|---|
${rows}
`;
}
