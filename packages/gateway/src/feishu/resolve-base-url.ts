/**
 * The Open Platform base URL for a connection's `domain` setting: `feishu` (open.feishu.cn),
 * `lark` (open.larksuite.com), or a base URL as given (such as the emulator's), without a
 * trailing slash.
 *
 * @example
 * resolveBaseUrl('lark') // 'https://open.larksuite.com'
 */
export function resolveBaseUrl(domain: string): string {
  if (domain === 'feishu') return 'https://open.feishu.cn';
  if (domain === 'lark') return 'https://open.larksuite.com';
  return domain.replace(/\/+$/, '');
}
