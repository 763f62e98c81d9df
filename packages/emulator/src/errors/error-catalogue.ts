import { authErrors } from '../open-apis/auth/auth-errors.ts';
import { oauthErrors } from '../open-apis/authen/oauth-errors.ts';
import { v1Errors } from '../open-apis/authen/v1-errors.ts';
import { contactErrors } from '../open-apis/contact/contact-errors.ts';
import { hookErrors } from '../open-apis/im/hook-errors.ts';
import { chatErrors, imErrors } from '../open-apis/im/im-errors.ts';
import { cardUpdateErrors } from '../open-apis/interactive/card-errors.ts';
import { endpointErrors } from '../long-connection/endpoint-errors.ts';
import { commonErrors } from './common-errors.ts';
import type { FeishuError } from './feishu-error.ts';

type Factories = Readonly<Record<string, (...args: never[]) => FeishuError>>;

/**
 * Every failure the emulator answers on Feishu's paths, by area: the registry behind
 * `docs/error-codes.md`, which a test keeps in step with it. Injected faults answer with any
 * code the test asks for and are not listed.
 */
export const errorCatalogue: Readonly<Record<string, Factories>> = {
  'Any Open API path': commonErrors,
  'Tokens (auth v3)': authErrors,
  'OAuth v1 tokens and user_info': v1Errors,
  'OAuth v2 token endpoint': oauthErrors,
  'Contact v3': contactErrors,
  'IM messages': imErrors,
  'IM chats': chatErrors,
  'Custom-bot webhooks': hookErrors,
  'Card delayed update': cardUpdateErrors,
  'Long-connection endpoint discovery': endpointErrors,
};
