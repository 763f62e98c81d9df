import { serializeEmployeeTypeEnum } from '../state/employee-type-enums.ts';
import type { EmployeeTypeEnum, Tenant } from '../state/types.ts';
import type { EventSink } from './contact-events.ts';

/**
 * The `contact.employee_type_enum.*_v3` events (platform doc §6; shapes from the event pages and
 * the Node SDK's event types): `created` carries `new_enum`, `deleted` `old_enum`, and `updated`,
 * `actived` and `deactivated` both. Workforce types are tenant-wide, so every subscribed app of
 * the tenant is told, whatever its contact scope.
 */
export type EmployeeTypeChange = 'created' | 'updated' | 'deleted' | 'actived' | 'deactivated';

export function emitEmployeeTypeChange(bus: EventSink, tenant: Tenant, change: EmployeeTypeChange, before: EmployeeTypeEnum | undefined, after: EmployeeTypeEnum | undefined): void {
  const event = {
    ...(before === undefined ? {} : { old_enum: serializeEmployeeTypeEnum(before) }),
    ...(after === undefined ? {} : { new_enum: serializeEmployeeTypeEnum(after) }),
  };
  bus.emit(tenant.tenantKey, `contact.employee_type_enum.${change}_v3`, () => event);
}
