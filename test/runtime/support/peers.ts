// Real peers for call-path tests: a local vault (vault-core's initVault/startVault) in a fresh
// data folder, and a provider stand-in that validates every request against the provider's
// pinned OpenAPI document. The vault is pointed at the stand-in (base URL and hosts on loopback).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addManagedSecret, initVault, issueGrant, setProviderConfig, startVault, type RunningVault } from "../../support/vault-admin.js";
import type { GrantPolicy } from "../../support/vault-admin.js";
import { loadStandinDocument, startStandin, type Standin, type StandinCredential } from "../../../standins/index.js";
import { findProvider, loadCatalog, type CatalogProvider } from "../../../catalog/index.js";
import type { ProviderSpec } from "../../../runtime/operation.js";

export interface Peers {
  vault: RunningVault;
  standin: Standin;
  dataDir: string;
  apiKey: string;
  /** The provider's catalog entry as the generator would copy it, pointed at the stand-in. */
  provider: ProviderSpec;
  /** Issues a managed-secret grant for `token` (system principal unless told) and returns its id. */
  grant(token: string, options?: { principal?: string; label?: string; account?: string; policy?: GrantPolicy; type?: "token" | "basic" | "fields" }): Promise<string>;
  /** Stores a managed secret (and makes the stand-in accept it); returns the secret's id. */
  secret(token: string, label?: string): Promise<string>;
  close(): Promise<void>;
}

export interface PeersOptions {
  /** Changes to the provider's catalog entry, for both the stand-in and the vault (e.g. another injection). */
  catalog?: Partial<CatalogProvider>;
}

export async function startPeers(providerId: string, options: PeersOptions = {}): Promise<Peers> {
  const dataDir = await mkdtemp(join(tmpdir(), "alter-runtime-"));
  const init = await initVault({ dataDir, env: {} }); // master key written to the data folder
  const catalog = await loadCatalog();
  const entry = findProvider(catalog, providerId);
  const standin = await startStandin({ provider: { ...entry, ...options.catalog }, document: await loadStandinDocument(catalog, entry) });
  const base = new URL(standin.url);
  await setProviderConfig({
    dataDir,
    provider: providerId,
    baseUrl: standin.url,
    hosts: [base.host],
    ...(options.catalog?.injection ? { injection: options.catalog.injection } : {}),
  });
  const vault = await startVault({ dataDir, port: 0 });
  // The vault refuses requests whose `created` second is not after its start (possible replays
  // from before a restart); let the clock pass into the next whole second.
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  const accepted: StandinCredential[] = [];
  const p = standin.provider;
  const provider: ProviderSpec = {
    id: p.id,
    name: p.name,
    baseUrl: standin.url,
    ...(p.pagination ? { pagination: p.pagination } : {}),
    ...(p.rateLimit ? { rateLimit: p.rateLimit } : {}),
    ...(p.requestIdHeaders ? { requestIdHeaders: p.requestIdHeaders } : {}),
  };
  return {
    vault,
    standin,
    dataDir,
    apiKey: init.apiKey,
    provider,
    async grant(token, options = {}) {
      const secret = await addManagedSecret({ dataDir, provider: providerId, value: token, label: options.label ?? "acct", ...(options.type ? { type: options.type } : {}) });
      const g = await issueGrant({
        dataDir,
        secretId: secret.id,
        principal: options.principal ?? "system",
        ...(options.label ? { label: options.label } : {}),
        ...(options.account ? { account: options.account } : {}),
        ...(options.policy ? { policy: options.policy } : {}),
      });
      // A basic secret is "username:password"; the stand-in checks the pair.
      const colon = token.indexOf(":");
      accepted.push(options.type === "basic" ? { username: token.slice(0, colon), password: token.slice(colon + 1) } : token);
      standin.expectCredential(...accepted);
      return g.grantId;
    },
    async secret(token, label) {
      const rec = await addManagedSecret({ dataDir, provider: providerId, value: token, label: label ?? "acct" });
      accepted.push(token);
      standin.expectCredential(...accepted);
      return rec.id;
    },
    async close() {
      await Promise.allSettled([vault.close(), standin.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
