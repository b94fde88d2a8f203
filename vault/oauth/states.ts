// Per-attempt authorization state: the `state` sent to the authorization server (stored only as
// a hash), the sealed PKCE verifier (with the page token to link back to), and the nonce. Each state can be used once, within minutes.
import { randomUUID } from "node:crypto";
import type { Db } from "../storage/db.js";
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

export function createAttempt(
  db: Db,
  crypto: AtRest,
  a: { kind: "connect" | "auth"; sessionId: string; provider: string | null; redirectUri: string; pageToken?: string },
  now: number,
): NewAttempt {
  const state = randomToken(24);
  const nonce = randomToken(16);
  const { verifier, challenge } = pkcePair();
  const id = randomUUID();
  db.prepare(
    `INSERT INTO oauth_states (state_hash, id, kind, session_id, provider, verifier_sealed, nonce, redirect_uri, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    hashToken(state),
    id,
    a.kind,
    a.sessionId,
    a.provider,
    crypto.sealJson(PKCE_PURPOSE, id, { verifier, pageToken: a.pageToken ?? null }),
    nonce,
    a.redirectUri,
    new Date(now).toISOString(),
    new Date(now + STATE_TTL_MS).toISOString(),
  );
  return { state, challenge, nonce };
}

/** The attempt for `state` if it exists, is unexpired and unused; marks it used atomically. */
export function consumeAttempt(db: Db, crypto: AtRest, kind: "connect" | "auth", state: string, now: number): ConsumedAttempt | undefined {
  const at = new Date(now).toISOString();
  const row = db
    .prepare(
      `UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?
       RETURNING id, kind, session_id, provider, verifier_sealed, nonce, redirect_uri`,
    )
    .get(at, hashToken(state), kind, at) as
    | { id: string; kind: "connect" | "auth"; session_id: string; provider: string | null; verifier_sealed: string; nonce: string | null; redirect_uri: string }
    | undefined;
  if (!row) return undefined;
  const secrets = crypto.openJson<{ verifier: string; pageToken: string | null }>(PKCE_PURPOSE, row.id, row.verifier_sealed);
  return {
    kind: row.kind,
    sessionId: row.session_id,
    provider: row.provider,
    verifier: secrets.verifier,
    pageToken: secrets.pageToken,
    nonce: row.nonce,
    redirectUri: row.redirect_uri,
  };
}

/**
 * The session and provider of a `state` that was already used (a reloaded callback page), so the
 * page can say how that session ended instead of calling a finished flow a failure. It gives
 * nothing that could redeem the attempt again.
 */
export function usedAttempt(db: Db, crypto: AtRest, kind: "connect" | "auth", state: string): { sessionId: string; provider: string | null; pageToken: string | null } | undefined {
  const row = db.prepare("SELECT id, session_id, provider, verifier_sealed FROM oauth_states WHERE state_hash = ? AND kind = ? AND used_at IS NOT NULL").get(hashToken(state), kind) as
    | { id: string; session_id: string; provider: string | null; verifier_sealed: string }
    | undefined;
  if (!row) return undefined;
  const { pageToken } = crypto.openJson<{ pageToken: string | null }>(PKCE_PURPOSE, row.id, row.verifier_sealed);
  return { sessionId: row.session_id, provider: row.provider, pageToken };
}
