/**
 * The gateway's own view of its HTTP acknowledgements, from `/metrics`: how many it answered and
 * the seconds they took in total (`feishu_event_ack_seconds`, measured from the route's start to
 * its answer, so the HTTP server's queueing before the route runs is not in it).
 */
export async function gatewayAckSeconds(gatewayUrl: string): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const read = (suffix: string) => Number(new RegExp(`^feishu_event_ack_seconds_${suffix}\\{[^}]*transport="http"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { count: read('count'), sum: read('sum') };
}
