import type { App, Tenant, User } from '../../state/types.ts';
import type { PendingAuthorization } from './oauth-store.ts';

/** Where the login page's forms post to. */
export const LOGIN_PATH = '/open-apis/authen/v1/authorize/login';
/** Users listed per tenant; anyone else signs in by typing a user_id or email. */
const LISTED_USERS = 50;

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

const page = (title: string, body: string) =>
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}button{margin:.15rem}.error{color:#b00}</style>
</head><body>${body}</body></html>`;

/**
 * The emulated account chooser: every tenant the app is installed in, a button per (active) user,
 * a free-text login and a deny button. Each form carries the pending request id.
 */
export function renderLoginPage(app: App, pending: PendingAuthorization, tenants: readonly Tenant[]): string {
  const hidden = `<input type="hidden" name="request_id" value="${escape(pending.id)}">`;
  const scopes = pending.scopes.length === 0 ? '<p>No extra permissions requested.</p>' : `<ul>${pending.scopes.map((scope) => `<li><code>${escape(scope)}</code></li>`).join('')}</ul>`;
  const sections = tenants.map((tenant) => {
    const listed: User[] = [];
    for (const user of tenant.users.values()) {
      if (listed.length >= LISTED_USERS) break;
      if (!user.deleted && !user.status.isResigned) listed.push(user);
    }
    const buttons = listed.map((user) => `<button type="submit" name="user_id" value="${escape(user.userId)}">${escape(user.name)} &lt;${escape(user.email)}&gt;</button>`).join('\n');
    return `<section><h2>${escape(tenant.name)}</h2>
<form method="post" action="${LOGIN_PATH}">${hidden}<input type="hidden" name="tenant_key" value="${escape(tenant.tenantKey)}">
${buttons}
</form>
<form method="post" action="${LOGIN_PATH}">${hidden}<input type="hidden" name="tenant_key" value="${escape(tenant.tenantKey)}">
<label>Another user (user_id or email): <input name="login" required></label> <button type="submit">Sign in</button>
</form></section>`;
  });
  return page(
    `Sign in to ${app.name}`,
    `<h1>Sign in to ${escape(app.name)}</h1>
<p>Feishu emulator: choose who signs in. <code>${escape(app.appId)}</code> asks for:</p>${scopes}
${sections.join('\n')}
<form method="post" action="${LOGIN_PATH}">${hidden}<button type="submit" name="action" value="deny">Deny</button></form>`,
  );
}

/** The page Feishu shows instead of redirecting when the request itself is wrong (e.g. 20029). */
export function renderErrorPage(code: number, message: string): string {
  return page(`Error ${code}`, `<h1 class="error">Error code: ${code}</h1><p id="error-message">${escape(message)}</p>`);
}
