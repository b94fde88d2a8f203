// `alter-gen vault idp set|show|remove`.
import type { Command } from "commander";
import { getIdp, removeIdp, setIdp, type IdpSwitchNeedsConfirmation, type SetIdpOptions } from "../admin/identity.js";
import { action, out, readEnvSecret, usage, vaultAt, withData, type DataFlags } from "./common.js";
import { confirm } from "./confirm.js";
import { shown } from "../quote.js";

interface SetFlags extends DataFlags {
  issuer: string;
  audience?: string[];
  clientId?: string;
  clientSecretFromEnv?: string;
  groupsClaim?: string;
  yes?: boolean;
}

// Repeatable, never split: an audience is whatever string the IDP writes into `aud`.
const repeat = (v: string, prev: string[] = []) => [...prev, v];

export function registerIdp(vault: Command): void {
  const idp = vault.command("idp").description("the app's identity provider (OIDC): verifies end-user JWTs, runs authenticate logins");
  withData(idp.command("set").description("discover an OIDC issuer and use it as the app's IDP (one per app)"))
    .requiredOption("--issuer <url>", "the issuer URL exactly as in its tokens' iss")
    .option(
      "--audience <aud>",
      "an accepted aud of end-user tokens, besides --client-id (repeatable; e.g. an MCP server's URL, whose tokens are bound to it by RFC 8707)",
      repeat,
    )
    .option("--client-id <id>", "OIDC client the vault uses for authenticate logins")
    .option("--client-secret-from-env <VAR>", "read that client's secret from this environment variable")
    .option("--groups-claim <name>", "claim holding the user's groups", "groups")
    .option("--yes", "switch even if grants of another issuer's users and groups become unreachable (orphaned); asked otherwise")
    .addHelpText(
      "after",
      "\nUsers and group grants belong to the issuer that vouched for them: after a switch to another issuer, grants of the old\n" +
        "issuer's users and groups stay bound to them and no user of the new issuer reaches them, even with the same sub or group\n" +
        "id. See them with `vault grants list --orphaned`, revoke them with `vault grants revoke-orphaned`.",
    )
    .action(
      action(async (flags: SetFlags) => {
        const opts: SetIdpOptions = { ...vaultAt(flags), issuer: flags.issuer };
        if (flags.audience !== undefined) opts.audience = flags.audience;
        if (flags.clientId !== undefined) opts.clientId = flags.clientId;
        if (flags.clientSecretFromEnv !== undefined) opts.clientSecret = readEnvSecret(flags.clientSecretFromEnv, "--client-secret-from-env");
        if (flags.groupsClaim !== undefined) opts.groupsClaim = flags.groupsClaim;
        opts.confirmOrphaning = async (q: IdpSwitchNeedsConfirmation) => {
          if (await confirm({ yes: flags.yes, situation: q.situation, question: `Switch the IDP to ${q.issuer} anyway?` })) return true;
          usage("The IDP was not changed.");
        };
        const c = await setIdp(opts);
        // The issuer answered discovery; the other values are only what was typed.
        out(`IDP set: issuer ${c.issuer}, audience${c.audiences.length === 1 ? "" : "s"} ${c.audiences.map(shown).join(", ")}, client id ${c.clientId ? shown(c.clientId) : "(none)"}, groups claim ${shown(c.groupsClaim)}, keys ${c.discovery.jwksUri}.`);
      }),
    );
  withData(idp.command("show").description("show the app's IDP (never the client secret)")).action(
    action(async (flags: DataFlags) => {
      const c = await getIdp({ ...vaultAt(flags) });
      if (!c) return out("No IDP configured. Run `alter-gen vault idp set --issuer <url> --client-id <id>`.");
      out(
        [
          `issuer        ${c.issuer}`,
          `audiences     ${c.audiences.join(", ")}`,
          `client id     ${c.clientId ?? "(none)"}`,
          `client secret ${c.hasClientSecret ? "set" : "not set"}`,
          `groups claim  ${c.groupsClaim}`,
          `jwks          ${c.discovery.jwksUri}`,
          `algorithms    ${c.discovery.algorithms.join(", ")}`,
          // RFC 8628: headless authenticate() shows a code where the IDP offers the device grant.
          `device grant  ${c.discovery.deviceAuthorizationEndpoint ?? "not offered (headless sign-in prints the login URL)"}`,
        ].join("\n"),
      );
    }),
  );
  withData(idp.command("remove").description("stop trusting the app's IDP (identity-based calls fail until a new one is set)")).action(
    action(async (flags: DataFlags) => {
      const r = await removeIdp({ ...vaultAt(flags) });
      if (!r) return out("No IDP was configured.");
      out(
        `IDP ${r.issuer} removed.` +
          (r.boundGrants ? ` ${r.boundGrants} grant(s) stay bound to its users and groups: unusable until an IDP with this issuer is set again (\`vault grants list --orphaned\`).` : ""),
      );
    }),
  );
}
