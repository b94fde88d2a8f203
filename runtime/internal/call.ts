// One provider call: prepare it, make attempts in retrieve or proxy mode, decode a success, and
// on failure ask the retry rules (retry.ts, RETRY_RULES) whether and when to try again. A 401 in
// retrieve mode first gets one fresh credential (the vault refreshes the token it was refused).
import { AlterValueError } from "../errors.js";
import { decideRetry, retryDelay, sleep, type AttemptOutcome } from "../retry.js";
import { decodeBody, decodeErrorBody, requestIdOf } from "./response.js";
import { encodePreparedBody, prepare } from "./prepare.js";
import { attemptRetrieve } from "./retrieve.js";
import { attemptProxy } from "./proxy.js";
import { sendToProvider } from "./traced-send.js";
import { traceOperation } from "./trace-spans.js";
import { whenLoaded } from "./tracing.js";
import { needsCredential } from "../security.js";
import { NO_SCRUBBER } from "../../protocol/scrub.js";
import type { OutgoingRequest } from "../../protocol/injection.js";
import { failedByFlag, providerError, SENT } from "./provider-errors.js";
import { followRedirects, redirectError, redirectPolicyOf, withoutCredentialPlaces } from "./redirect.js";
import { reportHops } from "./report-hops.js";
import { isAllowedScheme } from "./call-plan.js";
import type { CallEnv, CallInput, CallResult, Prepared, ProviderAnswer } from "./call-types.js";

export type { CallEnv, CallInput, CallResult, PendingApproval } from "./call-types.js";

/** Runs one operation with retries; returns the decoded success or throws the mapped error. */
export function executeCall(env: CallEnv, input: CallInput): Promise<CallResult> {
  const tracing = env.tracing;
  if (tracing === undefined) return runCall(env, input);
  const mode = input.options?.mode ?? input.defaults?.mode ?? "retrieve";
  return whenLoaded(tracing, (t) => traceOperation(t, input, mode, () => runCall(env, input)), () => runCall(env, input));
}

async function runCall(env: CallEnv, input: CallInput): Promise<CallResult> {
  if (env.closed) throw new AlterValueError(`${input.op.id}: this AlterVault was closed`);
  const prepared = prepare(env, input);
  if (prepared.bodyValue !== undefined) await encodePreparedBody(input.op, prepared);
  const mode = input.options?.mode ?? input.defaults?.mode ?? "retrieve";
  const { op, provider } = input;
  const redirects = redirectPolicyOf(input);
  let retriesDone = 0;
  let refreshedAfter401 = false;
  for (;;) {
    let failure: AttemptOutcome | undefined;
    let answer: ProviderAnswer | undefined;
    try {
      // In proxy mode the vault follows redirects itself; here each hop is one more send.
      answer =
        mode === "proxy" && needsCredential(provider, op)
          ? await attemptProxy(env, input, prepared, redirects)
          : await followRedirects(prepared, redirects, (hop) => sendHop(env, input, prepared, hop)).then((a) => reportHops(env, input, prepared, a));
    } catch (error) {
      if (prepared.signal?.aborted) throw prepared.signal.reason;
      const sent = (error as { [SENT]?: boolean })[SENT] === true;
      failure = { kind: "error", error, sent };
    }

    // A redirect that was not followed is a final answer: a redirect is not a retry.
    if (answer?.refused) throw redirectError(op, provider, answer);
    if (answer?.stream) return { data: answer.stream, status: answer.status, headers: answer.headers, requestId: requestIdOf(answer.headers, provider), url: answer.url ?? prepared.url };
    if (answer && answer.status >= 200 && answer.status < 300) {
      const data = decodeBody(op.response ?? "json", answer.status, answer.headers, answer.body);
      if (failedByFlag(provider, data)) throw providerError(op, provider, answer.status, answer.headers, data, env.now());
      return {
        data,
        status: answer.status,
        headers: answer.headers,
        requestId: requestIdOf(answer.headers, provider),
        url: answer.url ?? prepared.url,
      };
    }

    // A 401 in retrieve mode: the token may have expired between retrieve and use. One fresh
    // retrieve (the vault refreshes) and one more try, whatever the method: the provider refused
    // the request, so nothing happened.
    if (answer && answer.status === 401 && mode === "retrieve" && !answer.withoutCredential && !refreshedAfter401 && (prepared.body?.replayable ?? true)) {
      refreshedAfter401 = true;
      prepared.rejectedCredential = answer.credentialFingerprint;
      prepared.retrieved = undefined;
      env.logger?.debug?.("provider answered 401; retrying once with a fresh credential", { operationId: op.id });
      continue;
    }

    const outcome: AttemptOutcome = failure ?? { kind: "status", status: answer!.status, headers: answer!.headers };
    const decision = decideRetry(
      {
        method: prepared.method,
        idempotent: op.idempotent,
        idempotencyKey: prepared.idempotencyKey,
        replayable: prepared.body?.replayable ?? true,
        retriesDone,
        policy: env.retry,
        aborted: prepared.signal?.aborted ?? false,
      },
      outcome,
    );
    const delay = decision.retry ? retryDelay(env.retry, retriesDone, outcome, provider.rateLimit, env.now(), env.random) : undefined;
    if (delay === undefined) {
      if (answer) throw providerError(op, provider, answer.status, answer.headers, decodeErrorBody(answer.headers, answer.body), env.now());
      throw (outcome as { error: unknown }).error;
    }
    env.logger?.debug?.("retrying", { operationId: op.id, attempt: retriesDone + 1, delayMs: delay, rule: decision.rule, status: answer?.status });
    await sleep(delay, prepared.signal);
    retriesDone++;
  }
}

/**
 * One request of a retrieve-mode call: the first, or a redirect's hop. A hop gets the credential
 * only on the hosts the vault named for the grant (over https, or http to this machine), and the
 * vault is asked for it again there (it checks the host once more and audits the hops); to any
 * other host the hop goes with no credential in any place. Its answer then needs no scrubbing.
 */
function sendHop(env: CallEnv, input: CallInput, first: Prepared, hop: Prepared): Promise<ProviderAnswer> {
  const credentialed = needsCredential(input.provider, input.op);
  if (hop === first) return credentialed ? attemptRetrieve(env, input, hop) : sendToProvider(env, input, withoutCredential(hop), hop, NO_SCRUBBER);
  const vaultSaid = first.retrieved?.data;
  if (credentialed && vaultSaid && Array.isArray(vaultSaid.hosts) && vaultSaid.hosts.includes(hop.host) && isAllowedScheme(new URL(hop.url))) {
    return attemptRetrieve(env, input, hop);
  }
  const bare = hop.host === first.host && !credentialed ? hop : { ...hop, ...withoutCredentialPlaces(hop, vaultSaid?.injection) };
  // A 401 from a host that got no credential is not about the grant's token: no refresh for it.
  return sendToProvider(env, input, withoutCredential(bare), bare, NO_SCRUBBER).then((answer) => ({ ...answer, withoutCredential: true }));
}

/** The request of an operation the document says needs no credential: it skips the vault. */
function withoutCredential(p: Prepared): OutgoingRequest {
  const body = p.body?.payload;
  return { method: p.method, url: p.url, headers: p.headers, body: body instanceof Uint8Array ? body : null };
}
