import type { Logger } from '../log/index.ts';

/** Per-request values every route can read with `c.get(…)`. */
export type AppEnv = {
  Variables: {
    requestId: string;
    /** The gateway logger bound to this request's id. */
    logger: Logger;
  };
};
