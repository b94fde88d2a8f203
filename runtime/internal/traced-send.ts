// sendToProvider (send.ts) inside a CLIENT span when the vault traces (trace-spans.ts). The call
// path imports it from here, so send.ts itself knows nothing of tracing.
import type { OutgoingRequest } from "../../protocol/injection.js";
import type { Scrubber } from "../../protocol/scrub.js";
import { sendToProvider as send } from "./send.js";
import { traceProviderAttempt } from "./trace-spans.js";
import type { CallEnv, CallInput, Prepared, ProviderAnswer } from "./call-types.js";

export function sendToProvider(env: CallEnv, input: CallInput, req: OutgoingRequest, p: Prepared, scrubber: Scrubber): Promise<ProviderAnswer> {
  // The operation's span loaded the API before any attempt, so `api` is set when tracing is on.
  const tracing = env.tracing;
  if (tracing?.api === undefined) return send(env, input, req, p, scrubber);
  return traceProviderAttempt(tracing, input, p, req.url, () => send(env, input, req, p, scrubber));
}
