/** The part of Hono's `app.routes` entries this needs. */
export type RegisteredRoute = { readonly method: string; readonly path: string };

/**
 * A lookup of the methods registered for a concrete path, built once from the app's routes (after
 * they are all added), so that a known path called with another method can answer Feishu's
 * 99991301 instead of 404 (platform doc §11). Middleware entries (`ALL`) are ignored.
 *
 * @example
 * const allowed = allowedMethods([{ method: 'POST', path: '/open-apis/im/v1/messages/:message_id/reply' }]);
 * allowed('/open-apis/im/v1/messages/om_1/reply'); // ['POST']
 */
export function allowedMethods(routes: readonly RegisteredRoute[]): (path: string) => string[] {
  const compiled = routes.filter((route) => route.method !== 'ALL').map((route) => ({ method: route.method, pattern: patternOf(route.path) }));
  return (path) => [...new Set(compiled.filter((route) => route.pattern.test(path)).map((route) => route.method))].sort();
}

/** A Hono path (`/a/:id/b`, `:id{[0-9]+}`, `*`) as an anchored regex. */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      const param = /^:[^{]+(?:\{(.+)\})?$/.exec(segment);
      if (param !== null) return param[1] === undefined ? '[^/]+' : `(?:${param[1]})`;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}
