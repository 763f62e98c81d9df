/** One HTTP push as received: lower-cased header names and the exact body bytes. */
export type PushRequest = {
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received; signatures are checked over these bytes, never a re-encoding. */
  readonly rawBody: Uint8Array;
};

/** The secrets of the Feishu connection a push was addressed to. An empty string counts as none. */
export type PushConnection = {
  readonly name: string;
  readonly encryptKey: string | undefined;
  readonly verificationToken: string | undefined;
};

/** The clock, passed in so the check stays pure: `now` in epoch ms, and the age past which a push is stale. */
export type PushOptions = {
  readonly now: number;
  readonly maxAgeMs: number;
};
