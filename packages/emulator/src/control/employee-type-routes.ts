import type { Hono } from 'hono';
import { controlError } from '../errors/control-error.ts';
import type { EventSink } from '../events/contact-events.ts';
import { emitEmployeeTypeChange } from '../events/employee-type-events.ts';
import { readJson } from '../http/read-json.ts';
import { enumIdOf, serializeEmployeeTypeEnum } from '../state/employee-type-enums.ts';
import type { EmulatorState } from '../state/emulator-state.ts';
import type { EmployeeTypeEnum, Tenant } from '../state/types.ts';
import { stringOf, tenantOf, type Body } from './directory-fields.ts';
import { eventSinkFor } from './event-sink-for.ts';

const base = '/_emulator/directory/employee-type-enums';

/**
 * Workforce types (人员类型) as an administrator manages them: add a custom one, rename it,
 * activate or deactivate any, delete a custom one. Each change emits its
 * `contact.employee_type_enum.*_v3` event unless the call is `silent`.
 */
export function addEmployeeTypeRoutes(app: Hono, state: EmulatorState, bus: EventSink): void {
  app.get(base, async (c) => {
    const tenant = tenantOf(state, c, await readJson(c));
    return c.json({ items: [...tenant.employeeTypeEnums.values()].map(serializeEmployeeTypeEnum) });
  });

  app.post(base, async (c) => {
    const body = await readJson(c);
    const events = eventSinkFor(bus, c, body);
    const tenant = tenantOf(state, c, body);
    const content = contentOf(body);
    if (content === undefined) throw controlError(400, 'content is required');
    const created: EmployeeTypeEnum = {
      enumId: enumIdOf(`${tenant.tenantKey}:${state.random.hex(16)}`),
      enumValue: nextEnumValue(tenant),
      content,
      enumType: 2,
      enumStatus: statusOf(body) ?? 1,
      i18nContent: i18nOf(body) ?? [],
    };
    tenant.employeeTypeEnums.set(created.enumId, created);
    emitEmployeeTypeChange(events, tenant, 'created', undefined, created);
    return c.json({ employee_type_enum: serializeEmployeeTypeEnum(created) }, 201);
  });

  app.patch(`${base}/:enum_id`, async (c) => {
    const body = await readJson(c);
    const events = eventSinkFor(bus, c, body);
    const tenant = tenantOf(state, c, body);
    const before = existingOption(tenant, c.req.param('enum_id'));
    const content = contentOf(body);
    const i18n = i18nOf(body);
    const status = statusOf(body);
    // A rename and a status change are separate events in Feishu: updated_v3 is for the content.
    const renamed: EmployeeTypeEnum = { ...before, content: content ?? before.content, i18nContent: i18n ?? before.i18nContent };
    if (JSON.stringify(serializeEmployeeTypeEnum(renamed)) !== JSON.stringify(serializeEmployeeTypeEnum(before))) emitEmployeeTypeChange(events, tenant, 'updated', before, renamed);
    const after: EmployeeTypeEnum = { ...renamed, enumStatus: status ?? renamed.enumStatus };
    if (after.enumStatus !== renamed.enumStatus) emitEmployeeTypeChange(events, tenant, after.enumStatus === 1 ? 'actived' : 'deactivated', renamed, after);
    tenant.employeeTypeEnums.set(after.enumId, after);
    return c.json({ employee_type_enum: serializeEmployeeTypeEnum(after) });
  });

  app.delete(`${base}/:enum_id`, async (c) => {
    const body = await readJson(c);
    const events = eventSinkFor(bus, c, body);
    const tenant = tenantOf(state, c, body);
    const before = existingOption(tenant, c.req.param('enum_id'));
    if (before.enumType === 1) throw controlError(400, 'built-in workforce types cannot be deleted; deactivate them instead');
    tenant.employeeTypeEnums.delete(before.enumId);
    emitEmployeeTypeChange(events, tenant, 'deleted', before, undefined);
    return c.json({ employee_type_enum: serializeEmployeeTypeEnum(before) });
  });
}

function existingOption(tenant: Tenant, enumId: string): EmployeeTypeEnum {
  const option = tenant.employeeTypeEnums.get(enumId);
  if (option === undefined) throw controlError(404, `no workforce type ${enumId} in tenant ${tenant.tenantKey}`);
  return option;
}

function contentOf(body: Body): string | undefined {
  const content = stringOf(body, 'content');
  if (content !== undefined && (content.length < 1 || content.length > 100)) throw controlError(400, 'content must be 1 to 100 characters');
  return content;
}

function statusOf(body: Body): 1 | 2 | undefined {
  const status = body['enum_status'];
  if (status === undefined) return undefined;
  if (status !== 1 && status !== 2) throw controlError(400, 'enum_status must be 1 (active) or 2 (inactive)');
  return status;
}

function i18nOf(body: Body): { locale: string; value: string }[] | undefined {
  const value = body['i18n_content'];
  if (value === undefined) return undefined;
  const valid = Array.isArray(value) && value.every((entry: unknown) => typeof entry === 'object' && entry !== null && typeof (entry as Body)['locale'] === 'string' && typeof (entry as Body)['value'] === 'string');
  if (!valid) throw controlError(400, 'i18n_content must be a list of {locale, value}');
  return (value as Body[]).map((entry) => ({ locale: entry['locale'] as string, value: entry['value'] as string }));
}

// Feishu counts deleted custom types against its limit and does not reuse their numbers, so the
// largest number ever issued per tenant is remembered past deletions.
const largestIssued = new WeakMap<Tenant, number>();

function nextEnumValue(tenant: Tenant): string {
  let largest = largestIssued.get(tenant) ?? 0;
  for (const option of tenant.employeeTypeEnums.values()) largest = Math.max(largest, Number(option.enumValue));
  largestIssued.set(tenant, largest + 1);
  return String(largest + 1);
}
