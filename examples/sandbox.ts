// What every example needs to run without an account: a local vault in a temporary data folder
// and provider stand-ins on loopback. Each step is the programmatic form of a CLI command, named
// in the comments, so the same set-up can be typed by hand against a real provider.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addManagedSecret,
  initVault,
  issueGrant,
  readAudit,
  setProviderConfig,
  startVault,
  type AuditRow,
  type Credential,
  type Injection,
  type RunningVault,
} from "../vault/index.js";
import { startProviderStandin, type Standin } from "../standins/index.js";

export interface Sandbox {
  dataDir: string;
  /** The app's API key, as `alter-gen vault init` prints it once (give it to AlterVault). */
  apiKey: string;
  /** The vault's URL (AlterVault's baseUrl). */
  url: string;
  /** Starts the catalog provider's stand-in and points the vault's provider config at it. */
  standin(provider: string): Promise<Standin>;
  /** Settings of a provider the catalog does not know (`vault providers set <id> --base-url … --hosts … --injection …`). */
  customProvider(provider: string, baseUrl: string, injection: Injection): Promise<void>;
  /** Stores a managed secret and grants it to the app (`vault secrets add` + `vault grants issue --principal system`). */
  managedGrant(provider: string, value: string | Credential, options?: { type?: "token" | "aws"; label?: string }): Promise<string>;
  /** `vault audit`. */
  audit(): Promise<AuditRow[]>;
  /** The vault (only needed to restart or inspect it). */
  vault: RunningVault;
  close(): Promise<void>;
}

export async function startSandbox(): Promise<Sandbox> {
  const dataDir = await mkdtemp(join(tmpdir(), "alter-example-"));
  // `alter-gen vault init --data <dir>`: master key, database, the app and its API key.
  const init = await initVault({ dataDir, env: {} });
  // `alter-gen vault start --data <dir> --port 0`
  const vault = await startVault({ dataDir, port: 0 });
  const standins: Standin[] = [];
  const byProvider = new Map<string, Standin>();
  const accepted = new Map<string, string[]>();
  return {
    dataDir,
    apiKey: init.apiKey,
    url: vault.url,
    vault,
    async standin(provider) {
      const standin = await startProviderStandin(provider);
      standins.push(standin);
      byProvider.set(provider, standin);
      // `alter-gen vault providers set <provider> --base-url <stand-in> --hosts <host:port>`
      await setProviderConfig({ dataDir, provider, baseUrl: standin.url, hosts: [new URL(standin.url).host] });
      return standin;
    },
    async customProvider(provider, baseUrl, injection) {
      await setProviderConfig({ dataDir, provider, baseUrl, hosts: [new URL(baseUrl).host], injection });
    },
    async managedGrant(provider, value, options = {}) {
      const secret = await addManagedSecret({ dataDir, provider, value, type: options.type ?? "token", label: options.label ?? `${provider}-bot` });
      const grant = await issueGrant({ dataDir, secretId: secret.id, principal: "system", account: options.label ?? `${provider}-bot` });
      // The stand-in plays the provider that issued this token: it accepts it from now on.
      if (typeof value === "string") {
        const list = [...(accepted.get(provider) ?? []), value];
        accepted.set(provider, list);
        byProvider.get(provider)?.expectCredential(...list);
      }
      return grant.grantId;
    },
    audit: () => readAudit({ dataDir }),
    async close() {
      await Promise.allSettled([vault.close(), ...standins.map((s) => s.close())]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
