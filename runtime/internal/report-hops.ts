// Retrieve mode: a redirect that ended on a host off the grant's hosts (GitHub's archive 302 to
// codeload) involved no retrieval there, so the vault would never hear of it. The hops are
// reported (`POST /v1/credentials/hops`, hosts and statuses only) and audited as
// `redirect.followed`, as proxy mode audits every hop. A failed report is logged, not thrown: the
// provider has answered by then.
import { redactUrl } from "../../protocol/redact.js";
import { needsCredential } from "../security.js";
import { callVault, userTokenFor } from "./envelope.js";
import type { CallEnv, CallInput, Prepared, ProviderAnswer } from "./call-types.js";

export async function reportHops(env: CallEnv, input: CallInput, first: Prepared, answer: ProviderAnswer): Promise<ProviderAnswer> {
  if (!answer.withoutCredential || !answer.redirects?.length || !needsCredential(input.provider, input.op)) return answer;
  const request = { operationId: input.op.id, method: first.method, url: redactUrl(first.url), redirects: answer.redirects };
  try {
    const pendingToken = userTokenFor(env, input.op.id, first);
    await callVault(env, "/v1/credentials/hops", input, first, request, pendingToken && (await pendingToken));
  } catch (error) {
    env.logger?.warn?.("the vault did not record the redirects followed off the grant's hosts", { operationId: input.op.id, error: (error as Error)?.name });
  }
  return answer;
}
