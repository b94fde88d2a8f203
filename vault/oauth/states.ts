// Per-attempt authorization state: the `state` sent to the authorization server (stored only as
// a hash), the sealed PKCE verifier (with the page token to link back to), and the nonce. Each state can be used once, within minutes.
import { randomUUID } from "node:crypto";
import type { Store } from "../storage/store/index.js";
import type { AtRest } from "../crypto/at-rest.js";
import { hashToken, pkcePair, randomToken } from "./pkce.js";

export const PKCE_PURPOSE = "oauth-pkce-verifier";
const STATE_TTL_MS = 10 * 60_000;

export interface NewAttempt {
  state: string;
  challenge: string;
  nonce: string;
}

export interface ConsumedAttempt {
  kind: "connect" | "auth";
  sessionId: string;
  provider: string | null;
  verifier: string;
  nonce: string | null;
  redirectUri: string;
  /** The connect page token, so the callback page can link back to the session's picker. */
  pageToken: string | null;
}

export async function createAttempt(
  store: Store,
  crypto: AtRest,
  a: { kind: "connect" | "auth"; sessionId: string; provider: string | null; redirectUri: string; pageToken?: string },
  now: number,
): Promise<NewAttempt> {
  const state = randomToken(24);
  const nonce = randomToken(16);
  const { verifier, challenge } = pkcePair();
  const id = randomUUID();
  await store.oauthStates.insert({
    stateHash: hashToken(state),
    id,
    kind: a.kind,
    sessionId: a.sessionId,
    provider: a.provider,
    verifierSealed: crypto.sealJson(PKCE_PURPOSE, id, { verifier, pageToken: a.pageToken ?? null }),
    nonce,
    redirectUri: a.redirectUri,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + STATE_TTL_MS).toISOString(),
  });
  return { state, challenge, nonce };
}

/** The attempt for `state` if it exists, is unexpired and unused; marks it used atomically (on every instance). */
export async function consumeAttempt(store: Store, crypto: AtRest, kind: "connect" | "auth", state: string, now: number): Promise<ConsumedAttempt | undefined> {
  const row = await store.oauthStates.consume(hashToken(state), kind, now);
  if (!row) return undefined;
  const secrets = crypto.openJson<{ verifier: string; pageToken: string | null }>(PKCE_PURPOSE, row.id, row.verifierSealed);
  return {
    kind: row.kind,
    sessionId: row.sessionId,
    provider: row.provider,
    verifier: secrets.verifier,
    pageToken: secrets.pageToken,
    nonce: row.nonce,
    redirectUri: row.redirectUri,
  };
}

/**
 * The session and provider of a `state` that was already used (a reloaded callback page), so the
 * page can say how that session ended instead of calling a finished flow a failure. It gives
 * nothing that could redeem the attempt again.
 */
export async function usedAttempt(
  store: Store,
  crypto: AtRest,
  kind: "connect" | "auth",
  state: string,
): Promise<{ sessionId: string; provider: string | null; pageToken: string | null } | undefined> {
  const row = await store.oauthStates.used(hashToken(state), kind);
  if (!row) return undefined;
  const { pageToken } = crypto.openJson<{ pageToken: string | null }>(PKCE_PURPOSE, row.id, row.verifierSealed);
  return { sessionId: row.sessionId, provider: row.provider, pageToken };
}
