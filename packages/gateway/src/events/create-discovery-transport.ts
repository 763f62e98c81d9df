import type * as lark from '@larksuiteoapi/node-sdk';
import { isJsonObject } from './json-object.ts';

/** What endpoint discovery answered: Feishu's code (0 = a URL was handed out), or `undefined` when no answer came. */
export type DiscoveryAnswer = { readonly code: number | undefined; readonly msg: string | undefined };

/**
 * The `httpInstance` of a long connection's `WSClient`, whose only request is endpoint
 * discovery (`POST /callback/ws/endpoint`, platform doc §5.1). It reports each answer's code, so
 * the connection's status can say why it is not up, and gives a refusal without `data` an
 * empty one: the SDK reads `data.URL` before it looks at the code, so a bare
 * `{"code":1,"msg":"…"}` would crash that read and be retried as if nothing was said, hiding
 * the code — with `data: {}` the SDK applies its code handling. The body is never logged: a
 * successful answer carries the one-time connect URL.
 *
 * @example
 * new lark.WSClient({ appId, appSecret, httpInstance: createDiscoveryTransport((answer) => record(answer)) })
 */
export function createDiscoveryTransport(onAnswer: (answer: DiscoveryAnswer) => void): lark.HttpInstance {
  const request = async (options: lark.HttpRequestOptions<unknown>): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(options.url ?? '', {
        method: (options.method ?? 'get').toUpperCase(),
        headers: { ...options.headers, 'content-type': 'application/json' },
        ...(options.data === undefined ? {} : { body: JSON.stringify(options.data) }),
        signal: AbortSignal.timeout(options.timeout ?? 15_000),
      });
    } catch (error) {
      onAnswer({ code: undefined, msg: 'Feishu could not be reached' });
      throw error;
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok || !isJsonObject(body) || typeof body['code'] !== 'number') {
      onAnswer({ code: undefined, msg: `endpoint discovery answered HTTP ${response.status}` });
      throw new Error(`endpoint discovery answered HTTP ${response.status}`);
    }
    const code = body['code'];
    onAnswer({ code, msg: typeof body['msg'] === 'string' ? body['msg'] : undefined });
    return code !== 0 && !isJsonObject(body['data']) ? { ...body, data: {} } : body;
  };
  const withUrl = (method: string) => async (url: string, options: lark.HttpRequestOptions<unknown> = {}) => await request({ ...options, url, method });
  const withData = (method: string) => async (url: string, data?: unknown, options: lark.HttpRequestOptions<unknown> = {}) => await request({ ...options, url, method, data });
  // The SDK's generics are `any`-typed; the WSClient only ever calls `request`.
  return {
    request,
    get: withUrl('get'),
    delete: withUrl('delete'),
    head: withUrl('head'),
    options: withUrl('options'),
    post: withData('post'),
    put: withData('put'),
    patch: withData('patch'),
  } as lark.HttpInstance;
}
