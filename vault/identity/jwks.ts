// One remote JWKS per jwks_uri for the life of the process. jose refetches on an unknown key id
// (that is how key rotation is followed), at most once per cooldown, so a flood of tokens with
// made-up kids cannot turn into a flood of requests to the IDP. The key set is read through the
// vault's bounded reader, so an IDP answering endlessly cannot grow the vault's memory.
import { createRemoteJWKSet, customFetch, type FetchImplementation } from "jose";
import { fetchBounded } from "../outbound/bounded.js";

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

const sets = new Map<string, RemoteJwks>();

/** Milliseconds between refetches on a kid miss; ALTER_VAULT_JWKS_COOLDOWN_MS overrides (tests). */
function cooldownMs(): number {
  const v = Number(process.env.ALTER_VAULT_JWKS_COOLDOWN_MS);
  return Number.isFinite(v) && v >= 0 ? v : 30_000;
}

export function remoteJwks(jwksUri: string): RemoteJwks {
  let set = sets.get(jwksUri);
  if (!set) {
    set = createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: cooldownMs(),
      cacheMaxAge: 10 * 60_000,
      // Above the bounded reader's 5 s deadline, so that its message (naming the limit) is the one seen.
      timeoutDuration: 6_000,
      [customFetch]: boundedJwksFetch,
    });
    sets.set(jwksUri, set);
  }
  return set;
}

/** Forgets a cached key set (the IDP was removed or replaced). */
export function forgetJwks(jwksUri: string): void {
  sets.delete(jwksUri);
}

const boundedJwksFetch: FetchImplementation = async (url, options) => {
  const answer = await fetchBounded(url, {
    kind: "jwks",
    owner: "the IDP",
    headers: Object.fromEntries(options.headers.entries()),
    signal: options.signal,
  });
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
};
