/** The three `X-Lark-*` headers that sign a push. */
export type SignatureHeaders = {
  readonly timestamp: string;
  readonly nonce: string;
  readonly signature: string;
};

/**
 * The signing headers of a push, or undefined unless all three are present and non-empty
 * (platform doc §3.3). Header names must already be lower-case, as Node and Hono give them.
 *
 * @example
 * readSignatureHeaders({ 'x-lark-request-timestamp': '1700000000', 'x-lark-request-nonce': 'abc', 'x-lark-signature': '0c09…' })
 */
export function readSignatureHeaders(headers: Readonly<Record<string, string | undefined>>): SignatureHeaders | undefined {
  const timestamp = headers['x-lark-request-timestamp'];
  const nonce = headers['x-lark-request-nonce'];
  const signature = headers['x-lark-signature'];
  if (timestamp === undefined || timestamp === '' || nonce === undefined || nonce === '' || signature === undefined || signature === '') {
    return undefined;
  }
  return { timestamp, nonce, signature };
}
