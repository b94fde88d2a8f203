// A connect flow started on one vault instance finishes on another (issue 14): the session and
// the authorize URL's attempt are made through one store, the provider's redirect is handled
// through a second store over the same database (PostgreSQL: two pools on a real server;
// SQLite: two connections to one file), and the SDK's status read on the first sees the grant.
// A replayed callback, on either instance, is not redeemed again. The token endpoint is a
// loopback stand-in that checks the authorization_code request (RFC 6749 §4.1.3, PKCE S256).
import { createHash, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AtRest } from "../../../vault/crypto/at-rest.js";
import type { CallerContext, VaultState } from "../../../vault/context.js";
import { createConnectSession, getConnectSession } from "../../../vault/oauth/connect-sessions.js";
import { authorizeUrlFor, handleConnectCallback } from "../../../vault/oauth/connect-flow.js";
import { openDatabase } from "../../../vault/storage/db.js";
import { SqliteDriver } from "../../../vault/storage/sql/sqlite-driver.js";
import { migratePostgres } from "../../../vault/storage/sql/pg-migrate.js";
import { createStore, postgresStore, type Store } from "../../../vault/storage/store/index.js";
import { startPostgres, type PgCluster } from "../../support/postgres.js";
import { tempDir } from "../helpers.js";

const crypto = new AtRest(Buffer.alloc(32, 5));
const CLIENT = { id: "vault-client", secret: "canary-flow-secret-Zk4" };
const BASE = "http://vault.example";
const T0 = Date.parse("2026-05-01T10:00:00.000Z");

/** Issues one code per test, redeemable once, checking redirect_uri and the PKCE verifier. */
function tokenEndpoint(expect: { challenge: () => string; redirectUri: () => string }) {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += String(c)));
    req.on("end", () => {
      const f = new URLSearchParams(raw);
      const verifier = f.get("code_verifier") ?? "";
      const ok =
        req.url === "/token" &&
        f.get("grant_type") === "authorization_code" &&
        f.get("client_id") === CLIENT.id &&
        f.get("client_secret") === CLIENT.secret &&
        f.get("redirect_uri") === expect.redirectUri() &&
        createHash("sha256").update(verifier).digest("base64url") === expect.challenge();
      const code = f.get("code") ?? "";
      const fresh = ok && code === "code-1" && !calls.includes(code);
      calls.push(code);
      res.writeHead(fresh ? 200 : 400, { "content-type": "application/json" });
      res.end(JSON.stringify(fresh ? { access_token: "at-1", refresh_token: "rt-1", token_type: "Bearer", expires_in: 3600, scope: "read" } : { error: "invalid_grant" }));
    });
  });
  return { server, calls };
}

function callerCtx(store: Store, app: CallerContext["app"]): CallerContext {
  const writer = { write: () => {} };
  const vault = { catalogProvider: () => undefined, audit: writer } as unknown as VaultState;
  return { vault, store, crypto, now: () => T0, audit: writer as never, app, caller: { keyId: null, user: null, remoteAddress: "127.0.0.1" } };
}

function flowSuite(name: string, twoStores: () => Promise<[Store, Store]>, close: () => Promise<void>) {
  describe(`a connect flow across two instances (${name})`, () => {
    afterAll(close);

    it("starts on one instance, finishes on the other, is seen by the first; a replay is refused on both", async () => {
      const [a, b] = await twoStores();
      let authorize = new URL("http://unset");
      const endpoint = tokenEndpoint({ challenge: () => authorize.searchParams.get("code_challenge")!, redirectUri: () => authorize.searchParams.get("redirect_uri")! });
      await new Promise<void>((r) => endpoint.server.listen(0, "127.0.0.1", r));
      try {
        const url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
        const app = await a.apps.create("flow", T0);
        await a.providers.set(app.id, "acme", { clientId: CLIENT.id, clientSecret: CLIENT.secret }, T0);
        await a.oauthEndpoints.put(app.id, "acme", {
          authorize_url: `${url}/authorize`, token_url: `${url}/token`, revoke_url: null, userinfo_url: null, device_authorization_url: null,
          auth_method: null, issuer: null, iss_parameter_supported: null, callback: null,
        }, T0);
        const [onA, onB] = [callerCtx(a, app), callerCtx(b, app)];
        const session = await createConnectSession(a, { appId: app.id, keyId: null, providers: ["acme"], scopes: { acme: ["read"] }, userId: null, pageToken: "page-token" }, T0);
        authorize = new URL(await authorizeUrlFor(onA, session, "acme", BASE, "page-token"));
        const state = authorize.searchParams.get("state")!;
        const query = new URLSearchParams({ state, code: "code-1" });

        const outcome = await handleConnectCallback(onB, query, "/connect/callback/acme");
        expect(outcome).toMatchObject({ kind: "connected", provider: "acme", remaining: [], pageToken: "page-token" });
        const seen = (await getConnectSession(a, session.id, T0))!;
        expect(seen.status).toBe("completed");
        const grant = (await a.grants.get(app.id, seen.grantIds.acme!))!;
        expect(grant).toMatchObject({ provider: "acme", status: "active", scopes: ["read"], source: "oauth" });

        for (const ctx of [onA, onB]) {
          expect(await handleConnectCallback(ctx, query, "/connect/callback/acme")).toMatchObject({ kind: "finished", provider: "acme" });
        }
        expect(endpoint.calls).toEqual(["code-1"]);
      } finally {
        endpoint.server.close();
      }
    }, 120_000);
  });
}

const tmp = tempDir("alter-flow-instances-");
const dbs: ReturnType<typeof openDatabase>[] = [];
flowSuite(
  "SQLite",
  async () => {
    const file = join(tmp.dir, `vault-${randomUUID()}.db`);
    const [d1, d2] = [openDatabase(file), openDatabase(file)];
    dbs.push(d1, d2);
    return [createStore(new SqliteDriver(d1), crypto), createStore(new SqliteDriver(d2), crypto)];
  },
  async () => {
    for (const d of dbs) if (d.open) d.close();
    tmp.remove();
  },
);

let cluster: PgCluster | undefined;
const pgStores: Store[] = [];
flowSuite(
  "PostgreSQL",
  async () => {
    cluster ??= await startPostgres();
    const owner = await cluster.createDatabase();
    await migratePostgres({ url: owner });
    pgStores.push(await postgresStore(owner, crypto, { auditChain: "a", max: 2 }), await postgresStore(owner, crypto, { auditChain: "b", max: 2 }));
    return [pgStores[0]!, pgStores[1]!];
  },
  async () => {
    for (const s of pgStores.splice(0)) await s.close().catch(() => {});
    await cluster?.stop();
  },
);
