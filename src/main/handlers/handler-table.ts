import type { z } from 'zod';
import type { calls, CallName, CallOutput } from '../../shared/contract';

/** What answers one contract call: its input already parsed by the call's schema. */
export type Handler<K extends CallName> = (input: z.output<(typeof calls)[K]['input']>) => Promise<CallOutput<K>>;

export type Handlers = { [K in CallName]: Handler<K> };

/** The handlers of one domain: every call named `<domain>:...`. */
export type DomainHandlers<Domain extends string> = {
  [K in CallName as K extends `${Domain}:${string}` ? K : never]: Handler<K>;
};
