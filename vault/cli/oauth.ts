// `alter-gen vault oauth set|show`: point a catalog provider's OAuth flow at other endpoints
// (a self-hosted authorization server, or a local one in tests).
import type { Command } from "commander";
import { getOAuthEndpoints, setOAuthEndpoints, type OAuthEndpointOptions } from "../oauth/admin.js";
import type { TokenAuthMethod } from "../oauth/provider-config.js";
import { action, out, withData, type DataFlags } from "./common.js";
import { maskSecrets } from "../quote.js";

interface SetFlags extends DataFlags {
  authorizeUrl?: string;
  tokenUrl?: string;
  revokeUrl?: string;
  userinfoUrl?: string;
  authMethod?: string;
}

export function registerOAuth(vault: Command): void {
  const oauth = vault.command("oauth").description("per-app OAuth endpoint overrides of catalog providers");
  withData(oauth.command("set").description("override a provider's authorize, token, revocation or userinfo URL"))
    .argument("<provider>", "provider id, e.g. github")
    .option("--authorize-url <url>")
    .option("--token-url <url>")
    .option("--revoke-url <url>", "RFC 7009 revocation endpoint")
    .option("--userinfo-url <url>", "where to read the account name from after connect")
    .option("--auth-method <method>", "client_secret_post or client_secret_basic")
    .action(
      action(async (provider: string, flags: SetFlags) => {
        const opts: OAuthEndpointOptions = { dataDir: flags.data, provider };
        if (flags.authorizeUrl !== undefined) opts.authorizeUrl = flags.authorizeUrl;
        if (flags.tokenUrl !== undefined) opts.tokenUrl = flags.tokenUrl;
        if (flags.revokeUrl !== undefined) opts.revokeUrl = flags.revokeUrl;
        if (flags.userinfoUrl !== undefined) opts.userinfoUrl = flags.userinfoUrl;
        if (flags.authMethod !== undefined) opts.authMethod = flags.authMethod as TokenAuthMethod;
        const o = await setOAuthEndpoints(opts);
        out(maskSecrets(`OAuth endpoints of ${provider}: ${JSON.stringify(o)}`));
      }),
    );
  withData(oauth.command("show").description("show a provider's overrides"))
    .argument("<provider>")
    .action(
      action(async (provider: string, flags: DataFlags) => {
        out(JSON.stringify((await getOAuthEndpoints({ dataDir: flags.data, provider })) ?? {}, null, 2));
      }),
    );
}
