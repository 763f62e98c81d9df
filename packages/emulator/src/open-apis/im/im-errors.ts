import { FeishuError } from '../../errors/feishu-error.ts';

// Codes and messages from the error tables of im-v1/message/create.md, reply.md, update.md,
// message-card/patch.md and group/chat*.md. All are HTTP 400, as Feishu answers them.
const im = (code: number, msg: string, extra: Record<string, unknown> = {}) => new FeishuError(400, code, msg, extra);

export const imErrors = {
  /** A required query or body field is missing or out of range (Feishu's generic validator). */
  fieldValidation: (field: string, description: string) => im(99992402, `field validation failed: ${field} ${description}`),
  /** The body does not bind to the request type, e.g. `content` is an object instead of a string. */
  badRequest: (detail: string) => im(9499, `Bad Request: ${detail}`),
  invalidParam: (detail: string) => im(230001, `Your request contains an invalid request parameter, ext=${detail}`),
  botNotInChat: () => im(230002, 'The bot can not be outside the group.'),
  noAvailability: () => im(230013, 'Bot has NO availability to this user.'),
  rateLimited: () => im(230020, 'The operation triggers the frequency limit.'),
  tooLong: (limitKb: number) => im(230025, `The length of the message content reaches its limit (${limitKb} KB).`),
  noPermission: (detail: string) => im(230027, `Lack of necessary permissions, ext=${detail}`),
  resigned: () => im(230029, 'User has resigned.'),
  tooOldToUpdate: () => im(230031, 'Message can only be modified within 14 days after sending.'),
  invalidReceiveId: () => im(230034, 'The receive_id is invalid.'),
  unsupportedMessageType: () => im(230054, 'This operation is not supported for this message type.'),
  notSender: () => im(230071, 'The operator is not the sender of the message.'),
  editLimit: () => im(230072, 'The message has reached the number of times it can be edited.'),
  /** 230099 with the "parse card json err" sub-code of the patch/create docs. */
  cardInvalid: (detail: string) =>
    im(230099, `Failed to create card content, ext=ErrCode: 200621; ErrMsg: parse card json err, please check whether the card json is correct; ErrorValue: ${detail}`),
} as const;

export const chatErrors = {
  invalidParam: (detail: string) => im(232001, `Your request contains an invalid request parameter, ext=${detail}`),
  invalidChatId: () => im(232006, 'Your request specifies a chat_id which is invalid.'),
  operatorNotInChat: () => im(232011, 'Operator can NOT be out of the chat.'),
  botNotFound: () => im(232021, 'Bot can NOT be found.'),
  userResigned: () => im(232022, 'User has already resigned.'),
  unavailableIds: () => im(232043, 'Your request contains unavailable ids.'),
} as const;
