// Token refresh single-flight across vault instances (issue 14). Two stores over one database
// stand for two instances: on PostgreSQL two connection pools (test/support/postgres.ts starts a
// real server), on SQLite two connections to one file. Calls on an expired OAuth grant spread
// over both reach the token endpoint exactly once per expiry, every caller gets the new access
// token, and the rotated refresh token is the one sent next time: the provider never sees a
// refresh token twice. The token endpoint is a loopback stand-in that checks each refresh_token
// grant request (RFC 6749 §6) and refuses a spent refresh token as a rotating server does.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AtRest } from "../../../vault/crypto/at-rest.js";
import type { VaultContext, VaultState } from "../../../vault/context.js";
import { ensureFreshCredential } from "../../../vault/oauth/refresh.js";
import { sealTokens } from "../../../vault/oauth/tokens.js";
import { openDatabase } from "../../../vault/storage/db.js";
import { SqliteDriver } from "../../../vault/storage/sql/sqlite-driver.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { createStore, postgresStore, type Store } from "../../../vault/storage/store/index.js";
import { startPostgres, type PgCluster } from "../../support/postgres.js";
import { tempDir } from "../helpers.js";

const crypto = new AtRest(Buffer.alloc(32, 9));
const CLIENT = { id: "vault-client", secret: "canary-client-secret-Hq3" };
const CALLS = 40;
const T0 = Date.parse("2026-05-01T10:00:00.000Z");

/** A rotating token endpoint: each refresh token works once; a reused one is refused and counted. */
class TokenEndpoint {
  readonly server: Server;
  /** The refresh tokens sent, in order (a valid request each). */
  readonly sent: string[] = [];
  readonly refused: string[] = [];
  #current = "rt-0";
  #n = 0;

  constructor() {
    this.server = createServer((req, res) => {
      void this.#answer(req).then(([status, body]) => {
        res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(JSON.stringify(body));
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async #answer(req: IncomingMessage): Promise<[number, Record<string, unknown>]> {
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    const form = new URLSearchParams(raw);
    const bad = (error: string, description: string): [number, Record<string, unknown>] => [400, { error, error_description: description }];
    if (req.method !== "POST" || req.url !== "/token") return [404, { error: "not_found" }];
    if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) return bad("invalid_request", "form body expected");
    if (form.get("grant_type") !== "refresh_token") return bad("unsupported_grant_type", "only refresh_token here");
    if (form.get("client_id") !== CLIENT.id || form.get("client_secret") !== CLIENT.secret) return [401, { error: "invalid_client" }];
    const token = form.get("refresh_token") ?? "";
    // Keep the window open: every other caller arrives while this exchange is in flight.
    await new Promise((r) => setTimeout(r, 150));
    if (token !== this.#current) {
      this.refused.push(token);
      return bad("invalid_grant", "refresh token already used or unknown");
    }
    this.sent.push(token);
    this.#n++;
    this.#current = `rt-${this.#n}`;
    return [200, { access_token: `at-${this.#n}`, refresh_token: this.#current, token_type: "Bearer", expires_in: 3600 }];
  }
}

interface Instance {
  store: Store;
  ctx: VaultContext;
  audit: { action: string; outcome: string }[];
}

function instance(store: Store, app: VaultContext["app"], clock: { now: number }): Instance {
  const audit: Instance["audit"] = [];
  const writer = { write: (row: { action: string; outcome: string }) => audit.push(row) };
  const vault = { catalogProvider: () => undefined, audit: writer } as unknown as VaultState;
  const ctx = { vault, db: undefined as never, store, crypto, now: () => clock.now, audit: writer as never, app };
  return { store, ctx, audit };
}

async function seed(store: Store, tokenUrl: string) {
  const app = await store.apps.create("refresh-instances", T0);
  await store.providers.set(app.id, "acme", { clientId: CLIENT.id, clientSecret: CLIENT.secret }, T0);
  await store.oauthEndpoints.put(
    app.id,
    "acme",
    {
      authorize_url: `${tokenUrl}/authorize`,
      token_url: `${tokenUrl}/token`,
      revoke_url: null,
      userinfo_url: null,
      device_authorization_url: null,
      auth_method: null,
      issuer: null,
      iss_parameter_supported: null,
      callback: null,
    },
    T0,
  );
  const id = randomUUID();
  const tokens = { token: "at-0", refreshToken: "rt-0", tokenType: "Bearer", scope: null, obtainedAt: T0 - 3_600_000 };
  const grant = await store.grants.insert(
    {
      id,
      appId: app.id,
      provider: "acme",
      account: null,
      principalType: "system",
      principalId: null,
      principalLabel: "ci",
      scopes: [],
      source: "oauth",
      credentialSealed: sealTokens(crypto, id, tokens),
      credentialExpiresAt: new Date(T0 - 1_000).toISOString(),
      policy: {},
      expiresAt: null,
    },
    T0,
  );
  return { app, grant };
}

type Harness = { twoStores(): Promise<[Store, Store]>; close(): Promise<void> };

function refreshSuite(name: string, harness: () => Harness) {
  describe(`refresh single-flight across two instances (${name})`, () => {
    let endpoint: TokenEndpoint;
    let url: string;
    beforeAll(async () => {
      endpoint = new TokenEndpoint();
      url = await endpoint.listen();
    });
    afterAll(async () => {
      endpoint?.server.close();
      await harness().close();
    });

    it(`${CALLS} concurrent calls over both instances, twice: one token request per expiry, each refresh token sent once`, async () => {
      const [a, b] = await harness().twoStores();
      const { app, grant } = await seed(a, url);
      const clock = { now: T0 };
      const instances = [instance(a, app, clock), instance(b, app, clock)];
      for (const round of [1, 2]) {
        // Every caller holds the grant as read before any refresh (a stale record, as a request would).
        const stale = (await a.grants.get(app.id, grant.id))!;
        const results = await Promise.all(Array.from({ length: CALLS }, (_, i) => ensureFreshCredential(instances[i % 2]!.ctx, stale)));
        expect(new Set(results.map((r) => ("token" in r ? r.token : null)))).toEqual(new Set([`at-${round}`]));
        expect(endpoint.sent).toEqual(Array.from({ length: round }, (_, i) => `rt-${i}`));
        expect(endpoint.refused).toEqual([]);
        // Exactly one refresh audit row over both instances, and no lease left behind.
        const rows = instances.flatMap((x) => x.audit).filter((r) => r.action === "grant.refresh");
        expect(rows).toEqual(Array.from({ length: round }, () => expect.objectContaining({ outcome: "success" })));
        expect(await a.sql.all("SELECT grant_id FROM refresh_leases")).toEqual([]);
        // The next round starts after the new token's expiry.
        clock.now += 3_600_000;
      }
    }, 120_000);
  });
}

// SQLite: one vault file, two connections (the server and a CLI process on one machine).
const tmp = tempDir("alter-refresh-instances-");
const sqliteDbs: ReturnType<typeof openDatabase>[] = [];
refreshSuite("SQLite", () => ({
  async twoStores() {
    const file = join(tmp.dir, `vault-${randomUUID()}.db`);
    const [d1, d2] = [openDatabase(file), openDatabase(file)];
    sqliteDbs.push(d1, d2);
    return [createStore(new SqliteDriver(d1), crypto), createStore(new SqliteDriver(d2), crypto)];
  },
  async close() {
    for (const d of sqliteDbs) if (d.open) d.close();
    tmp.remove();
  },
}));

// PostgreSQL: two pools, as two vault instances behind a load balancer would hold.
let cluster: PgCluster | undefined;
const pgStores: Store[] = [];
refreshSuite("PostgreSQL", () => ({
  async twoStores() {
    cluster ??= await startPostgres();
    const owner = await cluster.createDatabase();
    await migratePostgres({ url: owner });
    const [s1, s2] = [await postgresStore(owner, crypto, { auditChain: "a", max: 4 }), await postgresStore(owner, crypto, { auditChain: "b", max: 4 })];
    pgStores.push(s1, s2);
    return [s1, s2];
  },
  async close() {
    for (const s of pgStores.splice(0)) await s.close().catch(() => {});
    await cluster?.stop();
    cluster = undefined;
  },
}));
