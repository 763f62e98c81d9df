import { RATE_LIMIT_POLICIES, type RateLimitPolicy } from './rate-limit-policies.ts';

export type Classified = { readonly policy: RateLimitPolicy; readonly params: Readonly<Record<string, string>> };

type Compiled = { policy: RateLimitPolicy; prefix: string; pattern: RegExp; names: string[] };

/** A Hono-style path (`/a/:id/b`) as an anchored regex, plus the literal prefix for a cheap pre-check. */
function compile(policy: RateLimitPolicy): Compiled {
  const names: string[] = [];
  const source = policy.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  const firstParam = policy.path.indexOf('/:');
  return { policy, prefix: firstParam === -1 ? policy.path : policy.path.slice(0, firstParam), pattern: new RegExp(`^${source}/?$`), names };
}

const compiled = RATE_LIMIT_POLICIES.map(compile);

/**
 * Which documented limit applies to a call, by method and path, or undefined when the path is
 * not limited. Works on the raw path so that it covers routes other modules add.
 *
 * @example
 * classifyRequest('GET', '/open-apis/contact/v3/users/ou_1')?.policy.api // 'contact.v3.user.get'
 */
export function classifyRequest(method: string, path: string): Classified | undefined {
  const upper = method.toUpperCase();
  for (const entry of compiled) {
    if (entry.policy.method !== upper || !path.startsWith(entry.prefix)) continue;
    const match = entry.pattern.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    entry.names.forEach((name, index) => {
      params[name] = safeDecode(match[index + 1] ?? '');
    });
    return { policy: entry.policy, params };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
