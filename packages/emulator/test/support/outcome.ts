/** What a test reads from a settled Open API call made through the SDK. */
export type Outcome = { status: number; code: number | undefined };

/** The part of the AxiosError the SDK throws on a non-2xx answer that carries Feishu's answer. */
type HttpError = { response?: { status: number; data?: { code?: unknown } } };

/**
 * HTTP status and Feishu `code` of an SDK call. The SDK resolves a 2xx answer to its body (read
 * here as status 200) and rejects any other status with an AxiosError holding the response.
 * A rejection without a response (connection refused, a bug in the test) is not an outcome of
 * the API: it is rethrown so the test fails on it instead of comparing `undefined`s.
 *
 * @example
 * expect(await outcome(client.im.v1.message.get({ path: { message_id } }))).toEqual({ status: 400, code: 230002 });
 */
export async function outcome(call: Promise<unknown>): Promise<Outcome> {
  let body: unknown;
  try {
    body = await call;
  } catch (thrown) {
    const { response } = thrown as HttpError;
    if (response === undefined) throw new Error('the call got no HTTP response', { cause: thrown });
    return { status: response.status, code: codeOf(response.data) };
  }
  return { status: 200, code: codeOf(body) };
}

function codeOf(body: unknown): number | undefined {
  const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}
