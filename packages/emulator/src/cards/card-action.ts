import { controlError } from '../errors/control-error.ts';

/**
 * What the simulated user did, in the shape of the callback's `action` (§4.1): the component's
 * `tag` and developer `value`, and whichever of the form, input, selection, checker and picker
 * fields that component reports.
 */
export type CardAction = {
  readonly tag: string;
  readonly value: Record<string, unknown> | string;
  readonly name?: string;
  readonly formValue?: Record<string, unknown>;
  readonly inputValue?: string;
  readonly option?: string;
  readonly options?: readonly string[];
  readonly checked?: boolean;
  readonly timezone?: string;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the `action` of `POST /_emulator/cards/click`; a press of a button without a value when
 * absent. Refuses wrong types with a 400, naming the field.
 *
 * @example
 * readCardAction({ tag: 'select_static', option: 'approve', value: { id: 7 } })
 */
export function readCardAction(given: unknown): CardAction {
  if (given === undefined) return { tag: 'button', value: {} };
  if (!isObject(given)) throw controlError(400, 'action must be an object');
  const text = (key: string): string | undefined => {
    const value = given[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw controlError(400, `action.${key} must be a string`);
    return value;
  };
  const tag = text('tag') ?? 'button';
  if (!/^[a-z][a-z0-9_]*$/.test(tag)) throw controlError(400, 'action.tag must be a component tag such as button, select_static, input, checker');
  const value = given['value'] ?? {};
  if (typeof value !== 'string' && !isObject(value)) throw controlError(400, 'action.value must be an object or a string');
  const formValue = given['form_value'];
  if (formValue !== undefined && !isObject(formValue)) throw controlError(400, 'action.form_value must be an object of field names to values');
  const options = given['options'];
  if (options !== undefined && (!Array.isArray(options) || options.some((option) => typeof option !== 'string'))) throw controlError(400, 'action.options must be a list of strings');
  const checked = given['checked'];
  if (checked !== undefined && typeof checked !== 'boolean') throw controlError(400, 'action.checked must be true or false');
  const name = text('name');
  const inputValue = text('input_value');
  const option = text('option');
  const timezone = text('timezone');
  return {
    tag,
    value,
    ...(name === undefined ? {} : { name }),
    ...(formValue === undefined ? {} : { formValue }),
    ...(inputValue === undefined ? {} : { inputValue }),
    ...(option === undefined ? {} : { option }),
    ...(options === undefined ? {} : { options: options as string[] }),
    ...(checked === undefined ? {} : { checked }),
    ...(timezone === undefined ? {} : { timezone }),
  };
}

/** The `action` of a `card.action.trigger` callback: every field the click gave. */
export function v2ActionJson(action: CardAction): Record<string, unknown> {
  return {
    value: action.value,
    tag: action.tag,
    ...(action.timezone === undefined ? {} : { timezone: action.timezone }),
    ...(action.name === undefined ? {} : { name: action.name }),
    ...(action.formValue === undefined ? {} : { form_value: action.formValue }),
    ...(action.inputValue === undefined ? {} : { input_value: action.inputValue }),
    ...(action.option === undefined ? {} : { option: action.option }),
    ...(action.options === undefined ? {} : { options: action.options }),
    ...(action.checked === undefined ? {} : { checked: action.checked }),
  };
}

/** The `action` of an old-style callback, which only knows `value`, `tag`, `option` and `timezone` (§4.2). */
export function legacyActionJson(action: CardAction): Record<string, unknown> {
  return {
    value: action.value,
    tag: action.tag,
    ...(action.option === undefined ? {} : { option: action.option }),
    ...(action.timezone === undefined ? {} : { timezone: action.timezone }),
  };
}
