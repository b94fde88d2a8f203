import type { Command } from "commander";
import { listProviderConfigs, setProviderConfig, type ProviderConfigOptions } from "../admin/providers.js";
import { getOAuthEndpoints } from "../admin/oauth.js";
import { NOT_RUNNING } from "./oauth.js";
import { action, out, readEnvSecret, table, usage, withData, type DataFlags } from "./common.js";
import { shown } from "../quote.js";

interface SetFlags extends DataFlags {
  clientId?: string;
  clientSecretFromEnv?: string;
  baseUrl?: string;
  hosts?: string;
}

export function registerProviders(vault: Command): void {
  const providers = vault.command("providers").description("per-app provider settings (OAuth client, base URL, hosts)");
  withData(providers.command("set").description("set a provider's OAuth client and/or base URL and hosts"))
    .argument("<id>", "provider id, e.g. github")
    .option("--client-id <id>", "OAuth client id")
    .option("--client-secret-from-env <VAR>", "read the OAuth client secret from this environment variable")
    .option("--base-url <url>", "override the catalog base URL (e.g. a stand-in on loopback)")
    .option("--hosts <list>", "comma list of host[:port] values credentials may be sent to")
    .action(
      action(async (id: string, flags: SetFlags) => {
        const opts: ProviderConfigOptions = { dataDir: flags.data, provider: id };
        if (flags.clientId !== undefined) opts.clientId = flags.clientId;
        if (flags.clientSecretFromEnv !== undefined) opts.clientSecret = readEnvSecret(flags.clientSecretFromEnv, "--client-secret-from-env");
        if (flags.baseUrl !== undefined) opts.baseUrl = flags.baseUrl;
        if (flags.hosts !== undefined) {
          const hosts = flags.hosts.split(",").map((h) => h.trim()).filter(Boolean);
          if (!hosts.length) usage("--hosts needs at least one host.");
          opts.hosts = hosts;
        }
        if (Object.keys(opts).length === 2) usage("providers set needs at least one of --client-id, --client-secret-from-env, --base-url, --hosts.");
        const s = await setProviderConfig(opts);
        // What the operator typed is repeated through shown(): a secret pasted as a client id is not.
        const echo = (v: string | null | undefined, none: string) => (v ? shown(v) : none);
        out(`Updated ${echo(s.provider, "")}: client id ${echo(s.clientId, "(none)")}, client secret ${s.hasClientSecret ? "set" : "not set"}, base URL ${echo(s.baseUrl, "(catalog)")}, hosts ${echo(s.hosts?.join(","), "(catalog)")}.`);
        const redirect = s.clientId ? await redirectUri(flags.data, id) : null;
        if (redirect) {
          out(`Redirect URI to register at ${id}: ${redirect.uri}`);
          if (!redirect.running) out(NOT_RUNNING);
        }
      }),
    );
  withData(providers.command("list").description("list provider settings (never the client secret)"))
    .action(
      action(async (flags: DataFlags) => {
        const rows = await listProviderConfigs({ dataDir: flags.data });
        const uris = await Promise.all(rows.map(async (s) => (s.clientId ? ((await redirectUri(flags.data, s.provider))?.uri ?? "") : "")));
        out(
          table(
            ["PROVIDER", "CLIENT ID", "SECRET", "BASE URL", "HOSTS", "REDIRECT URI"],
            rows.map((s, i) => [s.provider, s.clientId ?? "", s.hasClientSecret ? "set" : "", s.baseUrl ?? "", s.hosts?.join(",") ?? "", uris[i]!]),
          ),
        );
      }),
    );
}

/** The connect redirect URI an OAuth provider's client registers (null for a provider without OAuth). */
async function redirectUri(dataDir: string | undefined, provider: string): Promise<{ uri: string; running: boolean } | null> {
  try {
    const o = await getOAuthEndpoints({ ...(dataDir !== undefined ? { dataDir } : {}), provider });
    return { uri: o.redirectUri, running: o.vaultRunning };
  } catch {
    return null;
  }
}
