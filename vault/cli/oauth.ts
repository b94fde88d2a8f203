// `alter-gen vault oauth set|show`: point a catalog provider's OAuth flow at other endpoints
// (a self-hosted authorization server, or a local one in tests), name its issuer for RFC 9207
// checks, switch its connect callback, and print the redirect URI to register.
import type { Command } from "commander";
import { getOAuthEndpoints, setOAuthEndpoints, type OAuthEndpointOptions, type OAuthSettingsView } from "../admin/oauth.js";
import type { CallbackMode, TokenAuthMethod } from "../oauth/provider-config.js";
import { action, out, vaultAt, withData, type DataFlags } from "./common.js";
import { maskSecrets } from "../quote.js";
import { databaseOf } from "../state.js";

interface SetFlags extends DataFlags {
  authorizeUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
  userinfoUrl?: string;
  deviceAuthorizationUrl?: string;
  authMethod?: string;
  issuer?: string;
  requireIss?: boolean;
  callback?: string;
}

/** Notes on stderr, so that stdout stays the JSON of `oauth show`. */
function warnShared(provider: string, o: OAuthSettingsView, flags: DataFlags): void {
  if (!o.vaultRunning) process.stderr.write(`${notRunningNote(flags)}\n`);
  if (o.callback !== "shared") return;
  process.stderr.write(
    `${provider} still uses the shared callback ${o.redirectUri} (set up before per-provider callbacks), which leaves its connects open to OAuth mix-up. ` +
      `Register ${o.perProviderRedirectUri} at ${provider}, then run \`alter-gen vault oauth set ${provider} --callback per-provider\`.\n`,
  );
}

export const NOT_RUNNING =
  "No vault serves this data folder now, so the redirect URI assumes http://127.0.0.1:7420; if you start it with --public-url or another --port, register that address instead.";

/** On PostgreSQL no folder lock records a server's address, and several instances share one. */
export const NOT_KNOWN_SHARED =
  "On PostgreSQL the address the vault's instances are reached at is not known here (no instance was started with --public-url, which records it in the database), so the redirect URI assumes http://127.0.0.1:7420; register the address they serve under instead.";

/** The note for a redirect URI built without a running server's address. */
export function notRunningNote(flags: DataFlags): string {
  return databaseOf(flags.databaseUrl !== undefined ? { databaseUrl: flags.databaseUrl } : {}) ? NOT_KNOWN_SHARED : NOT_RUNNING;
}

export function registerOAuth(vault: Command): void {
  const oauth = vault.command("oauth").description("per-app OAuth endpoint overrides of catalog providers");
  withData(oauth.command("set").description("override a provider's authorize, token, revocation or userinfo URL"))
    .argument("<provider>", "provider id, e.g. github")
    .option("--authorize-url <url>")
    .option("--token-url <url>")
    .option("--revoke-url <url>", "RFC 7009 revocation endpoint")
    .option("--userinfo-url <url>", "where to read the account name from after connect")
    .option("--device-authorization-url <url>", "RFC 8628 device authorization endpoint, for headless connect")
    .option("--auth-method <method>", "client_secret_post or client_secret_basic")
    .option("--issuer <url>", "the authorization server's issuer: RFC 9207 iss checks (its RFC 8414 metadata is read)")
    .option("--require-iss", "refuse authorization answers without iss even if the server publishes no metadata")
    .option("--callback <mode>", "per-provider (default) or shared (/connect/callback, for registrations made before)")
    .action(
      action(async (provider: string, flags: SetFlags) => {
        const opts: OAuthEndpointOptions = { ...vaultAt(flags), provider };
        if (flags.authorizeUrl !== undefined) opts.authorizeUrl = flags.authorizeUrl;
        if (flags.tokenUrl !== undefined) opts.tokenUrl = flags.tokenUrl;
        if (flags.revokeUrl !== undefined) opts.revokeUrl = flags.revokeUrl;
        if (flags.userinfoUrl !== undefined) opts.userinfoUrl = flags.userinfoUrl;
        if (flags.deviceAuthorizationUrl !== undefined) opts.deviceAuthorizationUrl = flags.deviceAuthorizationUrl;
        if (flags.authMethod !== undefined) opts.authMethod = flags.authMethod as TokenAuthMethod;
        if (flags.issuer !== undefined) opts.issuer = flags.issuer;
        if (flags.requireIss !== undefined) opts.requireIss = flags.requireIss;
        if (flags.callback !== undefined) opts.callback = flags.callback as CallbackMode;
        const o = await setOAuthEndpoints(opts);
        // The settings may hold values the operator typed (URLs, an issuer): masked like every echo.
        out(`${maskSecrets(`OAuth settings of ${provider}: ${JSON.stringify(o)}`)}\nRedirect URI to register at ${provider}: ${o.redirectUri}`);
        warnShared(provider, o, flags);
      }),
    );
  withData(oauth.command("show").description("show a provider's OAuth settings and the redirect URI to register"))
    .argument("<provider>")
    .action(
      action(async (provider: string, flags: DataFlags) => {
        const o = await getOAuthEndpoints({ ...vaultAt(flags), provider });
        out(JSON.stringify(o, null, 2));
        warnShared(provider, o, flags);
      }),
    );
}
