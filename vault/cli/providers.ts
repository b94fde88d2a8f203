import type { Command } from "commander";
import { listProviderConfigs, setProviderConfig, type ProviderConfigOptions } from "../admin/providers.js";
import { getOAuthEndpoints } from "../admin/oauth.js";
import { NOT_RUNNING } from "./oauth.js";
import { action, out, readEnvSecret, table, usage, vaultAt, withData, type DataFlags } from "./common.js";
import { shown } from "../quote.js";
import { loadCatalog } from "../../catalog/index.js";
import { authFromSpec, describeInjection, setSpecOAuth, setSpecOperations } from "../admin/provider-from-spec.js";

interface SetFlags extends DataFlags {
  clientId?: string;
  clientSecretFromEnv?: string;
  baseUrl?: string;
  hosts?: string;
  fromSpec?: string;
  schemes?: string;
}

export function registerProviders(vault: Command): void {
  const providers = vault.command("providers").description("per-app provider settings (OAuth client, base URL, hosts)");
  withData(providers.command("set").description("set a provider's OAuth client and/or base URL and hosts"))
    .argument("<id>", "provider id, e.g. github")
    .option("--client-id <id>", "OAuth client id")
    .option("--client-secret-from-env <VAR>", "read the OAuth client secret from this environment variable")
    .option("--base-url <url>", "override the catalog base URL (e.g. a stand-in on loopback)")
    .option("--hosts <list>", "comma list of host[:port] values credentials may be sent to")
    .option("--from-spec <file>", "take the injection (and, outside the catalog, base URL and hosts) from this OpenAPI document's security schemes")
    .option("--schemes <names>", "with --from-spec: the scheme(s) to use, comma-separated when the document requires them together (e.g. api_key,api_token)")
    .action(
      action(async (id: string, flags: SetFlags) => {
        const opts: ProviderConfigOptions = { ...vaultAt(flags), provider: id };
        if (flags.clientId !== undefined) opts.clientId = flags.clientId;
        if (flags.clientSecretFromEnv !== undefined) opts.clientSecret = readEnvSecret(flags.clientSecretFromEnv, "--client-secret-from-env");
        if (flags.baseUrl !== undefined) opts.baseUrl = flags.baseUrl;
        if (flags.hosts !== undefined) {
          const hosts = flags.hosts.split(",").map((h) => h.trim()).filter(Boolean);
          if (!hosts.length) usage("--hosts needs at least one host.");
          opts.hosts = hosts;
        }
        if (flags.schemes !== undefined && flags.fromSpec === undefined) usage("--schemes chooses among the schemes of a --from-spec document.");
        const fromSpec = flags.fromSpec !== undefined ? await authFromSpec(flags.fromSpec, flags.schemes?.split(",").map((n) => n.trim()).filter(Boolean)) : undefined;
        const outsideCatalog = fromSpec !== undefined && !(await isCatalogProvider(id));
        if (fromSpec) {
          opts.injection = fromSpec.injection;
          if (opts.baseUrl === undefined && fromSpec.baseUrl && outsideCatalog) opts.baseUrl = fromSpec.baseUrl;
        }
        if (Object.keys(opts).every((k) => k === "dataDir" || k === "databaseUrl" || k === "provider")) usage("providers set needs at least one of --client-id, --client-secret-from-env, --base-url, --hosts, --from-spec.");
        const s = await setProviderConfig(opts);
        // What the operator typed is repeated through shown(): a secret pasted as a client id is not.
        const echo = (v: string | null | undefined, none: string) => (v ? shown(v) : none);
        out(`Updated ${echo(s.provider, "")}: client id ${echo(s.clientId, "(none)")}, client secret ${s.hasClientSecret ? "set" : "not set"}, base URL ${echo(s.baseUrl, "(catalog)")}, hosts ${echo(s.hosts?.join(","), "(catalog)")}.`);
        if (fromSpec) {
          out(`Credential from ${fromSpec.schemes.join(" + ")}: ${describeInjection(fromSpec.injection)} (${fromSpec.operations.using} operations; ${fromSpec.operations.without} need no credential and skip the vault).`);
          if (fromSpec.injection.type === "multi") out(`Store the secret as JSON with these fields: alter-gen vault secrets add --provider ${id} --type fields --from-env VAR (VAR holding {${fromSpec.injection.parts.map((p) => `"${p.field}": "…"`).join(", ")}}).`);
          if (fromSpec.oauth && outsideCatalog) {
            await setSpecOAuth({ ...vaultAt(flags), provider: id, ...fromSpec.oauth });
            out(`OAuth from the document: authorize ${fromSpec.oauth.authorizeUrl}, token ${fromSpec.oauth.tokenUrl}; connect asks for the scopes the SDK passes (a client's provider.security.leastScopes).`);
          }
          if (outsideCatalog) {
            await setSpecOperations({ ...vaultAt(flags), provider: id, operations: fromSpec.operationIndex });
            out(`Operations from the document: ${fromSpec.operationIndex.length} (what the vault checks a call's operation id against when a policy approves by operation).`);
          }
          if (fromSpec.others.length) out(`The document also accepts: ${fromSpec.others.map((o) => o.join(" + ")).join("; ")} (choose with --schemes).`);
        }
        const redirect = s.clientId ? await redirectUri(flags, id) : null;
        if (redirect) {
          out(`Redirect URI to register at ${id}: ${redirect.uri}`);
          if (!redirect.running) out(NOT_RUNNING);
        }
      }),
    );
  withData(providers.command("list").description("list provider settings (never the client secret)"))
    .action(
      action(async (flags: DataFlags) => {
        const rows = await listProviderConfigs({ ...vaultAt(flags) });
        const uris = await Promise.all(rows.map(async (s) => (s.clientId ? ((await redirectUri(flags, s.provider))?.uri ?? "") : "")));
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
async function redirectUri(flags: DataFlags, provider: string): Promise<{ uri: string; running: boolean } | null> {
  try {
    const o = await getOAuthEndpoints({ ...vaultAt(flags), provider });
    return { uri: o.redirectUri, running: o.vaultRunning };
  } catch {
    return null;
  }
}

/** Whether the provider has a catalog entry (its base URL then comes from the catalog, not the document). */
async function isCatalogProvider(provider: string): Promise<boolean> {
  try {
    return (await loadCatalog()).providers.some((p) => p.id === provider);
  } catch {
    return false;
  }
}
