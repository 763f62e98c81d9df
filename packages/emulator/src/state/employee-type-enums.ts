import { createHash } from 'node:crypto';
import type { EmployeeTypeEnum } from './types.ts';

// The five workforce types every tenant starts with (contact v3 employee_type: 1 regular,
// 2 intern, 3 outsourcing, 4 labor, 5 consultant; platform doc §6). Custom ones get the next
// numbers.
const builtIn = [
  ['1', '正式', 'Regular'],
  ['2', '实习', 'Intern'],
  ['3', '外包', 'Outsourcing'],
  ['4', '劳务', 'Labor'],
  ['5', '顾问', 'Consultant'],
] as const;

/**
 * Feishu's enum ids look like base64 of 16 bytes (`exGeIjow7zIqWMy+ONkFxA==`); built-in ones are
 * derived from the tenant so the same seed gives the same ids.
 */
export function enumIdOf(seed: string): string {
  return createHash('sha256').update(`employee-type:${seed}`).digest().subarray(0, 16).toString('base64');
}

/** The built-in workforce types of a new tenant, active. */
export function builtInEmployeeTypes(tenantKey: string): EmployeeTypeEnum[] {
  return builtIn.map(([value, zh, en]) => ({
    enumId: enumIdOf(`${tenantKey}:${value}`),
    enumValue: value,
    content: zh,
    enumType: 1,
    enumStatus: 1,
    i18nContent: [
      { locale: 'zh_cn', value: zh },
      { locale: 'en_us', value: en },
    ],
  }));
}

/** An option as the Open API and the events show it (`employee_type_enum`). */
export function serializeEmployeeTypeEnum(option: EmployeeTypeEnum): Record<string, unknown> {
  return {
    enum_id: option.enumId,
    enum_value: option.enumValue,
    content: option.content,
    enum_type: option.enumType,
    enum_status: option.enumStatus,
    i18n_content: option.i18nContent.map((entry) => ({ ...entry })),
  };
}
