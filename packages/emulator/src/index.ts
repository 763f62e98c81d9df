export { createEmulator, type CreateEmulatorOptions, type Emulator } from './create-emulator.ts';
export type { EmulatorOptions, EmulatorState } from './state/emulator-state.ts';
export type { App, Chat, ContactScope, Department, EmployeeTypeEnum, Group, Tenant, User } from './state/types.ts';
export { openIdOf } from './state/ids.ts';
