// One remote JWKS per jwks_uri for the life of the process. jose refetches on an unknown key id
// (that is how key rotation is followed), at most once per cooldown, so a flood of tokens with
// made-up kids cannot turn into a flood of requests to the IDP.
import { createRemoteJWKSet } from "jose";

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
      timeoutDuration: 5_000,
    });
    sets.set(jwksUri, set);
  }
  return set;
}

/** Forgets a cached key set (the IDP was removed or replaced). */
export function forgetJwks(jwksUri: string): void {
  sets.delete(jwksUri);
}
