import { describe, expect, it } from 'vitest';
import { describeApi, TIERS } from './describe-api.ts';

describe('describeApi', () => {
  it('names listed APIs like the SDK and gives them their tier', () => {
    expect(describeApi('post', '/open-apis/im/v1/messages')).toEqual({ name: 'im.v1.message.create', windows: TIERS.tier4, target: 'receiver', tokenEndpoint: false, read: false });
    expect(describeApi('GET', '/open-apis/contact/v3/users/batch').name).toBe('contact.v3.user.batch');
    expect(describeApi('GET', '/open-apis/contact/v3/users/ou_3f9a').name).toBe('contact.v3.user.get');
    expect(describeApi('POST', '/open-apis/bitable/v1/apps/bas1/tables/tbl2/records/search').windows).toBe(TIERS.tier8);
    expect(describeApi('POST', '/open-apis/approval/v4/instances').windows).toBe(TIERS.tier3);
    // Reads sent as POST may be sent again after a failure; other POSTs only with an idempotency key.
    expect(describeApi('POST', '/open-apis/contact/v3/users/batch_get_id').read).toBe(true);
    expect(describeApi('POST', '/open-apis/approval/v4/instances').read).toBe(false);
  });

  it('marks the auth v3 token endpoints, which nothing governs', () => {
    expect(describeApi('POST', '/open-apis/auth/v3/tenant_access_token/internal')).toEqual({ name: 'auth.v3.tenant_access_token.internal', windows: [], target: undefined, tokenEndpoint: true, read: false });
  });

  it('gives an unlisted API one name for all its ids', () => {
    const first = describeApi('GET', '/open-apis/task/v2/tasks/d300a75f-c56a-4be9-80d1-e47653028ceb');
    const second = describeApi('GET', '/open-apis/task/v2/tasks/5b2e1c1d-0000-4be9-80d1-e47653028cea');
    expect(first.name).toBe('GET /open-apis/task/v2/tasks/:id');
    expect(second.name).toBe(first.name);
    expect(first.windows).toBe(TIERS.tier4);
  });
});
