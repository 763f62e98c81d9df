/**
 * The codes Feishu's client shows when a card interaction fails (cardkit-v1/card-callback-
 * communication.md, "错误码"; platform doc §4.1). They are never HTTP answers: the click control
 * call reports them as `error_code`, so they live here rather than in the error catalogue.
 */
export const CARD_CLIENT_CODES = {
  /** No card request URL, or no usable way to reach the app (long connection without a client). */
  notConfigured: 200340,
  /** No complete answer within 3 s. */
  timeout: 200341,
  /** No TCP connection to the card request URL (refused, unreachable, 2 s connect timeout). */
  connectFailed: 200342,
  /** The card request URL's host name does not resolve. */
  dnsFailed: 200343,
  /** Any other failure of the request. */
  requestFailed: 200080,
  /** The answer's status was not HTTP 200 (redirects included), or the long-connection ack was not 200. */
  notOk: 200671,
  /** The answer is not a JSON object of the documented shape (an empty body included). */
  badResponse: 200672,
  /** The answer's card is not a valid card. */
  badCard: 200673,
  /** The answer would turn a JSON 2.0 card into a 1.0 card. */
  schemaDowngrade: 200830,
} as const;
