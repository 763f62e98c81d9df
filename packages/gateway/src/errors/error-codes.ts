/**
 * The registry of every error code the gateway can produce. Codes are stable: clients and
 * operators match on them, so a code is never renamed or reused for another meaning.
 * `docs/errors.md` is generated from this table (`npm run docs`) and a test keeps it in step.
 */
export const errorCodes = {
  'internal.unexpected': {
    status: 500,
    description: 'An unexpected failure. The response carries no detail; the log has it under the request id.',
  },
  'config.invalid': {
    status: 500,
    description: 'The configuration failed validation. Every problem is printed with its key; the process exits with status 2.',
  },
  'cli.usage': {
    status: 400,
    description: 'Unknown command or flag on the command line. Usage is printed and the process exits with status 2.',
  },
  'http.not_found': {
    status: 404,
    description: 'No route matches the method and path.',
  },
  'http.body_too_large': {
    status: 413,
    description: 'The request body is larger than `HTTP_BODY_LIMIT_BYTES`.',
  },
  'http.malformed_body': {
    status: 400,
    description: 'The request body is not valid UTF-8 JSON.',
  },
  'http.invalid_body': {
    status: 400,
    description: 'The request body is JSON but does not have the expected shape; `message` names the first problem.',
  },
  'http.invalid_query': {
    status: 400,
    description: 'A query parameter is unknown, malformed or out of range (for example a `limit` above what the endpoint allows, a time that is not ISO 8601 with an offset, or a `cursor` the gateway did not issue); `message` names it.',
  },
  'http.listen_failed': {
    status: 500,
    description: 'The HTTP server could not bind `HOST`:`PORT` (for example, the port is in use).',
  },
  'db.unreachable': {
    status: 503,
    description: 'The database could not be reached (at start-up, after retrying for `DATABASE_STARTUP_TIMEOUT_SECONDS`).',
  },
  'db.data_dir_locked': {
    status: 500,
    description: 'Another gateway process is using the embedded database in `DATA_DIR`; PGlite allows one process at a time.',
  },
  'db.migration_failed': {
    status: 500,
    description: 'A database migration failed; the gateway does not start on a partly migrated schema.',
  },
  'db.migrations_pending': {
    status: 503,
    description: 'The database schema is behind this version of the gateway; run `feishu-gateway migrate` or restart.',
  },
  'secrets.key_invalid': {
    status: 500,
    description: '`GATEWAY_SECRET_KEY` (or the generated key file) is not 32 bytes of base64.',
  },
  'secrets.key_mismatch': {
    status: 500,
    description: 'The database was sealed with a key that is not among the configured `GATEWAY_SECRET_KEY` keys.',
  },
  'secrets.unknown_key': {
    status: 500,
    description: 'A stored secret names a key id that is not configured (a retired key was removed too early).',
  },
  'secrets.tampered': {
    status: 500,
    description: 'A stored secret failed authentication: it was altered, truncated, or moved to another record.',
  },
  'jobs.unknown_job': {
    status: 500,
    description: 'A job was enqueued under a name that no capability defined.',
  },
  'jobs.not_running': {
    status: 503,
    description: 'The job runner is stopped or not started yet.',
  },
  'feishu.api_error': {
    status: 502,
    description: 'Feishu answered a call with a non-zero `code`; `details` carry Feishu\'s `code`, `msg`, `log_id`, the HTTP status and whether a retry may succeed.',
  },
  'feishu.rate_limited': {
    status: 503,
    description: 'Feishu throttled the call (99991400, 230020, 11232, 11233) and it could not be retried within its deadline; retry after `details.retryAfterSeconds`.',
  },
  'feishu.permission_denied': {
    status: 502,
    description: 'The app lacks a scope the call needs (99991672) or the user has not granted it (99991679); `details.missingScopes` lists them.',
  },
  'feishu.token_unavailable': {
    status: 503,
    description: 'No access token could be obtained for the connection (wrong App ID or Secret: `details.code` is Feishu\'s 10003/10014/10015; or Feishu is unreachable).',
  },
  'feishu.app_ticket_missing': {
    status: 503,
    description: 'A store app has no `app_ticket` yet; the gateway asked Feishu to resend it. Retry in a few seconds.',
  },
  'feishu.unreachable': {
    status: 503,
    description: 'Feishu could not be reached, or did not answer, within the call\'s deadline.',
  },
  'feishu.unknown_connection': {
    status: 404,
    description: 'No Feishu connection has this name.',
  },
  'events.unknown_connection': {
    status: 404,
    description: 'An event or card callback was posted for a connection name the gateway does not have.',
  },
  'events.signature_missing': {
    status: 401,
    description: 'The request lacks `X-Lark-Request-Timestamp`, `X-Lark-Request-Nonce` or `X-Lark-Signature` while the connection needs them (an Encrypt Key for events; a Verification Token for old-style card callbacks). Also the answer to an unsigned body that does not decrypt, so that decryption failures reveal nothing.',
  },
  'events.signature_invalid': {
    status: 401,
    description: 'The request signature does not match the exact bytes received (SHA-256 over timestamp, nonce, Encrypt Key and body; SHA-1 with the Verification Token for old-style card callbacks), or an old-style card callback reached a connection without a Verification Token, which could not verify it.',
  },
  'events.token_invalid': {
    status: 401,
    description: 'The Verification Token in the body does not match the connection\'s.',
  },
  'events.decrypt_failed': {
    status: 400,
    description: 'The `encrypt` field could not be decrypted with the connection\'s Encrypt Key (bad base64, truncated ciphertext or wrong padding).',
  },
  'events.malformed_body': {
    status: 400,
    description: 'The body (or the decrypted payload) is not a JSON object in a Feishu envelope (v2 `schema`/`header`/`event`, v1 `uuid`/`event`, or `url_verification`).',
  },
  'events.not_verifiable': {
    status: 500,
    description: 'The connection has neither an Encrypt Key nor a Verification Token, so no push could be verified; configure one of them.',
  },
  'events.inbox_unavailable': {
    status: 503,
    description: 'The event could not be stored durably (the database is unreachable); Feishu will retry it.',
  },
  'events.long_connection_down': {
    status: 503,
    description: 'The connection\'s long connection to Feishu (`FEISHU_EVENT_MODE=websocket`) is not up: connecting, reconnecting, or failing with the code shown (514 or 403: wrong App ID or App Secret, or not a self-built app). Reported by `/readyz` as advisory; the gateway keeps reconnecting.',
  },
  'events.not_found': {
    status: 404,
    description: 'No event in the inbox has this id (it may have been purged after `EVENTS_RETENTION_DAYS`).',
  },
  'events.replay_too_large': {
    status: 400,
    description: 'A replay matched more than 10,000 events; narrow it by type, connection, status or time range and replay in parts.',
  },
  'directory.user_not_found': {
    status: 404,
    description: 'No user in the directory mirror has this open_id, union_id, user_id, email or enterprise email (emails ignore case). Deleted users are still found, with `status: "deleted"`.',
  },
  'directory.department_not_found': {
    status: 404,
    description: 'No department in the directory mirror has this open_department_id or department_id (`department` filter of `GET /api/v1/directory/users`). `0` always names the root.',
  },
  'directory.group_not_found': {
    status: 404,
    description: 'No user group in the directory mirror has this id.',
  },
  'directory.ambiguous': {
    status: 409,
    description: 'The id or email names more than one entry: the same person or group seen through several connections, or an email shared by several current users. Add `connection=` to choose; `message` lists the connections.',
  },
  'directory.connection_not_mirrored': {
    status: 404,
    description: 'No mirrored directory belongs to this connection: it is not configured, or it is an App Store app (only self-built apps are mirrored).',
  },
  'api.unauthorized': {
    status: 401,
    description: 'An `/api/v1` request without `Authorization: Bearer <key>`, or with a key that is unknown or revoked.',
  },
  'api.forbidden': {
    status: 403,
    description: 'The API key is valid but lacks the scope the endpoint needs; `message` names the scope.',
  },
  'api_keys.invalid': {
    status: 400,
    description: 'An API key needs a name (1–100 characters) and at least one known scope: `events:read`, `events:replay`, `directory:read`, `directory:sync`, `webhooks:manage`.',
  },
  'api_keys.not_found': {
    status: 404,
    description: 'No API key has this id.',
  },
  'webhooks.invalid': {
    status: 400,
    description: 'A webhook subscription needs an `http://` or `https://` URL without user name or password (at most 2,048 characters) and at least one known event type (`user.created`, `user.updated`, `user.deactivated`, `user.deleted`, the same for `department` and `group`, a wildcard such as `user.*`, or `*`); `message` names the problem.',
  },
  'webhooks.not_found': {
    status: 404,
    description: 'No webhook subscription has this id.',
  },
  'webhooks.destination_forbidden': {
    status: 400,
    description: 'The webhook URL\'s host is, or resolves to, an address the gateway refuses to call (loopback, private, link-local, unique-local, carrier-grade NAT, unspecified, multicast or otherwise reserved, also in IPv4-mapped IPv6 form) or is a cloud metadata name. List the host, address or range in `WEBHOOKS_ALLOWED_HOSTS` to allow it. Checked at creation and again before every delivery attempt (then recorded in the delivery log).',
  },
  'webhooks.destination_unresolvable': {
    status: 400,
    description: 'The webhook URL\'s host name has no address in DNS. Checked at creation and before every delivery attempt (then recorded in the delivery log and retried).',
  },
  'webhooks.delivery_failed': {
    status: 502,
    description: 'Recorded in the delivery log: the receiver answered something other than 2xx (redirects are not followed), or could not be connected to. The delivery is retried with backoff.',
  },
  'webhooks.delivery_timeout': {
    status: 504,
    description: 'Recorded in the delivery log: the receiver did not answer within 10 seconds. The delivery is retried with backoff.',
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;
