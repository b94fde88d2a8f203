// Real peers for identity and OAuth tests: the test IDP (oidc-provider), a local vault in a fresh
// data folder trusting it as the app's IDP, and the catalog's github provider pointed at the
// same oidc-provider as its OAuth authorization server. Requests go through the SDK's signed
// transport.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initVault, setProviderConfig, startVault, type RunningVault, setIdp, setOAuthEndpoints } from "../../support/vault-admin.js";
import { openTestDb } from "../../support/vault-db.js";
import { VaultTransport } from "../../../runtime/internal/transport.js";
import { startIdp, type IdpUser, type StartIdpOptions, type TestIdp } from "../../support/idp.js";

export const APP_CLIENT = { clientId: "alter-app", clientSecret: "app-secret-CANARY-7f3a" };
export const GITHUB_CLIENT = { clientId: "gh-oauth-app", clientSecret: "gh-secret-CANARY-91c2" };

export const USERS: IdpUser[] = [
  { sub: "alice", email: "alice@example.test", groups: ["eng"] },
  { sub: "bob", email: "bob@example.test", groups: [] },
];

export interface Peers {
  idp: TestIdp;
  vault: RunningVault;
  dataDir: string;
  apiKey: string;
  transport: VaultTransport;
  /** A real ID token for `sub`, through an HTTP login at the IDP with the app's client. */
  userToken(sub: string): Promise<string>;
  /** A direct handle on the vault's database, for facts the API does not expose. */
  sql<T>(query: string, ...args: unknown[]): Promise<T[]>;
  /** Moves the vault's clock this many ms ahead of real time (keep it under the 60 s signature window). */
  setClockOffset(ms: number): void;
  /** Changes the vault's database directly (e.g. to move a session's expiry into the past). */
  exec(query: string, ...args: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function startPeers(options: { idp?: StartIdpOptions; withIdp?: boolean; appName?: string } = {}): Promise<Peers> {
  const idp = await startIdp({ users: USERS, extraScopes: ["repo", "read:user"], ...options.idp });
  const dataDir = await mkdtemp(join(tmpdir(), "alter-identity-"));
  const init = await initVault({ dataDir, env: {}, ...(options.appName ? { appName: options.appName } : {}) });
  let offset = 0;
  const vault = await startVault({ dataDir, port: 0, now: () => Date.now() + offset });
  idp.addClient({ ...APP_CLIENT, redirectUris: [`${vault.url}/auth/callback`] });
  idp.addClient({ ...GITHUB_CLIENT, redirectUris: [`${vault.url}/connect/callback/github`] });
  if (options.withIdp !== false) {
    await setIdp({ dataDir, issuer: idp.issuer, clientId: APP_CLIENT.clientId, clientSecret: APP_CLIENT.clientSecret });
  }
  await setProviderConfig({ dataDir, provider: "github", clientId: GITHUB_CLIENT.clientId, clientSecret: GITHUB_CLIENT.clientSecret });
  await setOAuthEndpoints({
    dataDir,
    provider: "github",
    authorizeUrl: idp.endpoints.authorize,
    tokenUrl: idp.endpoints.token,
    revokeUrl: idp.endpoints.revocation,
  });
  // The vault refuses requests signed in the second it started (possible replays from before).
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  const transport = new VaultTransport({ baseUrl: vault.url, apiKey: init.apiKey });
  const db = await openTestDb(dataDir);
  return {
    idp,
    vault,
    dataDir,
    apiKey: init.apiKey,
    transport,
    userToken: async (sub) => (await idp.login(sub, { clientId: APP_CLIENT.clientId })).idToken,
    sql: <T>(query: string, ...args: unknown[]) => db.all<T>(query, ...args),
    exec: (query, ...args) => db.run(query, ...args),
    setClockOffset: (ms) => {
      offset = ms;
    },
    async close() {
      await db.close();
      await transport.close();
      await Promise.allSettled([vault.close(), idp.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
