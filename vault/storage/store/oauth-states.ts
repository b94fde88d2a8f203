// OAuth authorization attempts (`oauth_states`), shared by every instance: a browser flow that
// starts on one instance finishes on whichever the provider's redirect reaches. The domain
// (vault/oauth/states.ts) makes the state, hashes it and seals the PKCE verifier; this stores
// the row and redeems it once: one conditional UPDATE … RETURNING, so of two instances that get
// the same callback (a double-submitted redirect) exactly one receives the attempt.
import type { SqlDriver } from "../sql/driver.js";

export type AttemptKind = "connect" | "auth";

export interface StoredAttempt {
  stateHash: string;
  /** Record id: the associated data of the sealed verifier. */
  id: string;
  kind: AttemptKind;
  sessionId: string;
  provider: string | null;
  verifierSealed: string;
  nonce: string | null;
  redirectUri: string;
  createdAt: string;
  expiresAt: string;
}

interface Row {
  state_hash: string;
  id: string;
  kind: AttemptKind;
  session_id: string;
  provider: string | null;
  verifier_sealed: string;
  nonce: string | null;
  redirect_uri: string;
  created_at: string;
  expires_at: string;
}

const toAttempt = (r: Row): StoredAttempt => ({
  stateHash: r.state_hash,
  id: r.id,
  kind: r.kind,
  sessionId: r.session_id,
  provider: r.provider,
  verifierSealed: r.verifier_sealed,
  nonce: r.nonce,
  redirectUri: r.redirect_uri,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

const COLUMNS = "state_hash, id, kind, session_id, provider, verifier_sealed, nonce, redirect_uri, created_at, expires_at";

export class OAuthStatesRepo {
  constructor(private readonly sql: SqlDriver) {}

  async insert(a: StoredAttempt): Promise<void> {
    await this.sql.run(`INSERT INTO oauth_states (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      a.stateHash, a.id, a.kind, a.sessionId, a.provider, a.verifierSealed, a.nonce, a.redirectUri, a.createdAt, a.expiresAt,
    ]);
  }

  /** The attempt if it exists, is of this kind, unexpired and unused; marked used in the same statement. */
  async consume(stateHash: string, kind: AttemptKind, now: number): Promise<StoredAttempt | undefined> {
    const at = new Date(now).toISOString();
    const row = await this.sql.get<Row>(
      `UPDATE oauth_states SET used_at = ? WHERE state_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ? RETURNING ${COLUMNS}`,
      [at, stateHash, kind, at],
    );
    return row && toAttempt(row);
  }

  /** An attempt already redeemed (a reloaded callback page asks how its session ended). */
  async used(stateHash: string, kind: AttemptKind): Promise<StoredAttempt | undefined> {
    const row = await this.sql.get<Row>(`SELECT ${COLUMNS} FROM oauth_states WHERE state_hash = ? AND kind = ? AND used_at IS NOT NULL`, [stateHash, kind]);
    return row && toAttempt(row);
  }
}
