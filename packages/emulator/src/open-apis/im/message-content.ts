import { imErrors } from './im-errors.ts';

export const MESSAGE_TYPES = ['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user', 'system'] as const;

/** Text up to 150 KB; cards and rich text up to 30 KB (im-v1/message/create.md, error 230025). */
export const TEXT_LIMIT_BYTES = 150 * 1024;
export const RICH_LIMIT_BYTES = 30 * 1024;

export type CardKind = 'v1' | 'v2' | 'template' | 'card_entity';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Checks `content` (the JSON string of the Open API body) against the documented shape of
 * `msgType` (im-v1/message/message-content-description/create_json.md) and its size limit, and
 * returns it parsed. Fails with 230001 (not JSON, wrong shape), 230025 (too long) or, for cards,
 * 230099 (not a card).
 */
export function parseContent(msgType: string, content: string): Json {
  if (!(MESSAGE_TYPES as readonly string[]).includes(msgType)) throw imErrors.invalidParam(`unsupported msg_type ${msgType}`);
  const bytes = Buffer.byteLength(content);
  if (msgType === 'text' && bytes > TEXT_LIMIT_BYTES) throw imErrors.tooLong(150);
  if ((msgType === 'post' || msgType === 'interactive') && bytes > RICH_LIMIT_BYTES) throw imErrors.tooLong(30);
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw imErrors.invalidParam('content is not a valid JSON string');
  }
  if (!isObject(parsed)) throw msgType === 'interactive' ? imErrors.cardInvalid('the card must be a JSON object') : imErrors.invalidParam('content must be a JSON object');
  const problem = shapeProblem(msgType, parsed);
  if (problem !== undefined) throw msgType === 'interactive' ? imErrors.cardInvalid(problem) : imErrors.invalidParam(`invalid ${msgType} content: ${problem}`);
  return parsed;
}

function shapeProblem(msgType: string, content: Json): string | undefined {
  const need = (...keys: string[]) => keys.filter((key) => !nonEmptyString(content[key])).map((key) => `${key} is required`)[0];
  switch (msgType) {
    case 'text':
      return typeof content['text'] === 'string' ? undefined : 'text is required';
    case 'post':
      return postProblem(content);
    case 'image':
      return need('image_key');
    case 'file':
    case 'audio':
    case 'sticker':
      return need('file_key');
    case 'media':
      return need('file_key', 'image_key');
    case 'share_chat':
      return need('chat_id');
    case 'share_user':
      return need('user_id');
    case 'system':
      return need('type');
    default:
      return cardKind(content) === undefined ? 'not a card: expected elements/header/config (1.0), schema "2.0" with body, or a template/card reference' : undefined;
  }
}

/** Rich text: one or more locales (`zh_cn`, `en_us`…), each with `content` = paragraphs of tagged elements. */
function postProblem(content: Json): string | undefined {
  const locales = Object.entries(content);
  if (locales.length === 0) return 'at least one locale (zh_cn, en_us…) is required';
  for (const [locale, body] of locales) {
    if (!/^[a-z]{2}_[a-z]{2}$/.test(locale)) return `unknown locale ${locale}`;
    if (!isObject(body)) return `${locale} must be an object`;
    if (body['title'] !== undefined && typeof body['title'] !== 'string') return `${locale}.title must be a string`;
    const paragraphs = body['content'];
    if (!Array.isArray(paragraphs)) return `${locale}.content must be a list of paragraphs`;
    for (const paragraph of paragraphs) {
      if (!Array.isArray(paragraph)) return `${locale}.content: each paragraph must be a list`;
      if (paragraph.some((element) => !isObject(element) || !nonEmptyString(element['tag']))) return `${locale}.content: each element needs a tag`;
    }
  }
  return undefined;
}

/** What kind of card a parsed `interactive` content is, or undefined when it is not a card. */
export function cardKind(card: Json): CardKind | undefined {
  if (card['type'] === 'template') return isObject(card['data']) && nonEmptyString(card['data']['template_id']) ? 'template' : undefined;
  if (card['type'] === 'card') return isObject(card['data']) && nonEmptyString(card['data']['card_id']) ? 'card_entity' : undefined;
  if (card['schema'] === '2.0') return isObject(card['body']) ? 'v2' : undefined;
  const v1 = Array.isArray(card['elements']) || isObject(card['i18n_elements']) || isObject(card['header']) || isObject(card['config']);
  return v1 ? 'v1' : undefined;
}

/**
 * Whether a card is shared (`config.update_multi`), which a patch requires of both the old and the
 * new card (message-card/patch.md). 1.0 cards default to false; 2.0 cards default to true and
 * CardKit entities are 2.0. Templates are opaque to the emulator and count as shared.
 */
export function isSharedCard(card: Json): boolean {
  const kind = cardKind(card);
  const config = isObject(card['config']) ? card['config'] : {};
  if (kind === 'v1') return config['update_multi'] === true;
  if (kind === 'v2') return config['update_multi'] !== false;
  return kind !== undefined;
}
