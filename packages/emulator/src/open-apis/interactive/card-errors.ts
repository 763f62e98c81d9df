import { FeishuError } from '../../errors/feishu-error.ts';

// Codes and messages of the error table of the delayed card update page
// (im-v1/message-card/uMDO1YjLzgTN24yM4UjN.md). The page gives no HTTP status; the emulator
// answers 400, as Feishu's other IM endpoints do for business failures.
const card = (code: number, msg: string) => new FeishuError(400, code, msg);

export const cardUpdateErrors = {
  /** `card` is missing or not an object. */
  cardParam: (detail: string) => card(10002, `card parameter validation failed: ${detail}`),
  /** The card is not valid card JSON. */
  cardFormat: (detail: string) => card(11311, `card content does not meet the requirements: ${detail}`),
  /** Over the size limit (the page says 30 KB for the card, 100 KB after conversion). */
  cardTooLarge: () => card(100000, 'card content exceeds the size limit'),
  /** The card was sent by another app than the caller. */
  otherApp: () => card(200310, 'cannot update a card sent by another app'),
  /** `open_ids` names someone who did not receive the card, or is not a list of open_ids. */
  badOpenIds: (detail: string) => card(200320, `open_ids of the exclusive card is invalid: ${detail}`),
  /**
   * A JSON 2.0 card cannot become a 1.0 card. The update page lists no code for it; this is the
   * code of the same rule for callback answers (cardkit-v1/card-callback-communication.md).
   */
  schemaDowngrade: () => card(200830, 'a card of JSON 2.0 structure cannot be updated to a JSON 1.0 card'),
  /** `token` is missing or not a `c-…` update token. */
  tokenFormat: () => card(300020, 'the card update token is malformed'),
  /** The token is unknown or older than 30 minutes. */
  tokenExpired: () => card(300030, 'the card update token is invalid or expired (valid for 30 minutes)'),
  /** The token was already used twice. */
  tokenUsedUp: () => card(300040, 'the card update token has exceeded its usage limit (2 updates)'),
  /** An exclusive 1.0 card (`config.update_multi` not true) needs `open_ids`. */
  openIdsRequired: () => card(300090, 'an exclusive card (update_multi false) must set open_ids'),
} as const;
