// Retrieve mode: ask the vault for the credential, check where it may go, unseal and inject it,
// and send the request through the providers' Agent (send.ts). The credential exists in clear only
// in local variables of `attemptRetrieve`; it is never stored on an object, logged or put into an
// error.
import type { RetrieveAnswer, RetrieveRequest } from "../../protocol/wire.js";
import { injectCredential, type OutgoingRequest } from "../../protocol/injection.js";
import { credentialScrubber, type Scrubber } from "../../protocol/scrub.js";
import { credentialFingerprint } from "../../protocol/fingerprint.js";
import { redactUrl } from "../../protocol/redact.js";
import { sdkError } from "./protocol-errors.js";
import { callVault, userTokenFor } from "./envelope.js";
import { hostNotAllowedError } from "./provider-errors.js";
import { sendToProvider } from "./traced-send.js";
import type { CallEnv, CallInput, Prepared, ProviderAnswer, Retrieved } from "./call-types.js";

/** Retries of one call reuse the sealed credential unless it is about to expire. */
const REUSE_MARGIN_MS = 5_000;

function reusable(retrieved: Retrieved | undefined, now: number): retrieved is Retrieved {
  if (!retrieved) return false;
  const expiresAt = retrieved.data.expiresAt ? Date.parse(retrieved.data.expiresAt) : NaN;
  return Number.isNaN(expiresAt) || expiresAt - now > REUSE_MARGIN_MS;
}

// Not async: without a user token source the request goes out in this turn, with no extra promise.
function retrieve(env: CallEnv, input: CallInput, p: Prepared): Promise<Retrieved> {
  const pendingToken = userTokenFor(env, input.op.id, p);
  return pendingToken ? pendingToken.then((userToken) => askVault(env, input, p, userToken)) : askVault(env, input, p, undefined);
}

function askVault(env: CallEnv, input: CallInput, p: Prepared, userToken: string | undefined): Promise<Retrieved> {
  const request: RetrieveRequest = { operationId: input.op.id, method: p.method, url: redactUrl(p.url) };
  if (p.rejectedCredential) request.rejectedCredential = p.rejectedCredential;
  if (p.redirects) request.redirects = p.redirects;
  return callVault<RetrieveAnswer, RetrieveRequest>(env, "/v1/credentials/retrieve", input, p, request, userToken);
}

export async function attemptRetrieve(env: CallEnv, input: CallInput, p: Prepared): Promise<ProviderAnswer> {
  // A retry (429, 5xx, network) reuses the credential this call already retrieved, still sealed:
  // one retrieval, one audit row per call. After a 401 `p.retrieved` is cleared to fetch anew.
  const res = reusable(p.retrieved, env.now()) ? p.retrieved : (p.retrieved = await retrieve(env, input, p));
  const { injection, hosts } = res.data;
  // Checked before the credential is even unsealed: a wrong host never gets near it. (The
  // scheme was checked when the call was prepared.)
  if (!Array.isArray(hosts) || !hosts.includes(p.host)) throw hostNotAllowedError(input.op.id, p.host, input.provider.id);

  const body = p.body?.payload;
  let outgoing: OutgoingRequest = {
    method: p.method,
    url: p.url,
    headers: p.headers,
    body: body instanceof Uint8Array ? body : null,
    streamed: body !== undefined && !(body instanceof Uint8Array),
  };
  let token: string | undefined;
  let scrubber: Scrubber;
  {
    const credential = env.transport.unseal(res.data.credential, res.nonce) as Record<string, unknown>;
    if (typeof credential?.token === "string") token = credential.token;
    try {
      outgoing = injectCredential(injection, credential, outgoing, env.now());
    } catch (error) {
      throw sdkError(error);
    }
    // Every form of what was injected, to take out of whatever the provider answers.
    scrubber = credentialScrubber(injection, credential, outgoing.headers);
  }
  const answer = await sendToProvider(env, input, outgoing, p, scrubber);
  // Only a refused token is reported back (by fingerprint), so only then is one computed.
  return answer.status === 401 && token !== undefined ? { ...answer, credentialFingerprint: credentialFingerprint(token) } : answer;
}
