/** One window of a Feishu rate tier: at most `points` calls per `seconds`. */
export type RateWindow = { readonly points: number; readonly seconds: number };

/** What one call spends: the budgets it draws from, all of which must have room. */
export type RateBudget = {
  /** Shared by every instance: `${appId}|${tenantKey}|${api}` for the API's windows. */
  readonly key: string;
  readonly windows: readonly RateWindow[];
};

/**
 * Keeps outbound calls inside Feishu's published limits (platform doc §10), shared by every
 * gateway instance: before a call, `acquire` waits until every budget of the call has room (or
 * fails at the deadline); after a 429, `hold` stops that budget for everyone for the reset time.
 */
export type RateGovernor = {
  /**
   * Waits for room in each budget and spends one call from each. Rejects with a
   * `feishu.rate_limited` GatewayError if `deadline` (epoch ms) would pass first.
   */
  acquire(budgets: readonly RateBudget[], deadline: number): Promise<void>;
  /**
   * Holds the budget `key` for every instance for `seconds` (a 429's `x-ogw-ratelimit-reset`),
   * rounded up to whole seconds.
   */
  hold(key: string, seconds: number): Promise<void>;
  /**
   * Counts one call against the app's monthly quota; returns the calls so far this calendar month
   * (UTC+8), counted by every instance together.
   */
  countMonthly(appId: string): Promise<number>;
  close(): Promise<void>;
};
