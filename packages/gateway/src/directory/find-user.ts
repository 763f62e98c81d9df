import type { Kysely } from 'kysely';
import type { Tables } from '../db/index.ts';
import { GatewayError } from '../errors/index.ts';
import { userViewOf, type UserView } from './entity-views.ts';

/**
 * The user an id names: an open_id, union_id or user_id, (when it has an `@`) an email or
 * enterprise email, compared without case, or a mobile number. Deleted users are found too, so that old ids still
 * resolve. When several users match (one person through several connections, or an email that
 * passed from a departed user to a new one), the one current user wins; otherwise 409
 * `directory.ambiguous` names the connections. Rejects with `directory.user_not_found`.
 */
export async function findUser(kysely: Kysely<Tables>, id: string, connection: string | undefined): Promise<UserView> {
  const isEmail = id.includes('@');
  // A mobile number as Feishu writes it (`+86 13800000000`, or `13800000000`): digits, maybe a
  // leading `+` and spaces. Compared as stored.
  const isMobile = /^\+?[\d ]{5,20}$/.test(id);
  const rows = await kysely
    .selectFrom('directory_users')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('open_id', '=', id),
        eb('union_id', '=', id),
        eb('user_id', '=', id),
        // lower() on both sides, so that the database's notion of case applies to both.
        ...(isEmail ? [eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(id)])), eb(eb.fn('lower', ['enterprise_email']), '=', eb.fn('lower', [eb.val(id)]))] : []),
        ...(isMobile ? [eb('mobile', '=', id)] : []),
      ]),
    )
    .$if(connection !== undefined, (qb) => qb.where('connection', '=', connection ?? ''))
    .orderBy('connection')
    .orderBy('tenant_key')
    .orderBy('open_id')
    .limit(20)
    .execute();
  const [only] = rows;
  if (only === undefined) throw new GatewayError('directory.user_not_found', 'No user in the directory has this id or email.');
  if (rows.length === 1) return userViewOf(only);
  const current = rows.filter((row) => row.state !== 'deleted');
  const [winner] = current;
  if (current.length === 1 && winner !== undefined) return userViewOf(winner);
  const connections = [...new Set(rows.map((row) => row.connection))];
  throw new GatewayError(
    'directory.ambiguous',
    connections.length > 1
      ? `This id or email names ${rows.length} users, in connections ${connections.join(', ')}; add connection= to choose.`
      : `This id or email names ${rows.length} users in connection ${connections.join('')}; look the user up by open_id.`,
  );
}
