import type { Command } from "commander";
import { issueGrant, listGrants, revokeGrant, setGrantPolicy } from "../admin/grants.js";
import type { GrantStatus } from "../grant-types.js";
import { action, out, table, usage, vaultAt, withData, type DataFlags } from "./common.js";
import { policyFromFlags, policySummary, withPolicyFlags, type PolicyFlags } from "./policy-flags.js";
import { revokeOrphanedGrants } from "../admin/identity.js";
import { confirm } from "./confirm.js";
import { flagValue } from "../quote.js";

interface IssueFlags extends DataFlags, PolicyFlags {
  secret?: string;
  principal?: string;
  label?: string;
  account?: string;
}

export function registerGrants(vault: Command): void {
  const grants = vault.command("grants").description("grants: who may use which credential");
  const issue = withData(grants.command("issue").description("issue a managed secret as a grant to a principal (the secret's policy floor applies too)"))
    .option("--secret <id>", "the managed secret id (from `secrets add`)")
    .option("--principal <p>", "system, user:<IDP subject> or group:<IDP group id> (identities at the app's current IDP)")
    .option("--label <label>", "a label for the principal")
    .option("--account <id>", "the account identifier shown to callers (default: the secret's label)");
  withPolicyFlags(issue, "the grant")
    .option("--json", "print the grant as JSON")
    .action(
      action(async (flags: IssueFlags & { json?: boolean }) => {
        if (!flags.secret) usage("grants issue needs --secret <id> (see `alter-gen vault secrets list`).");
        if (!flags.principal) usage("grants issue needs --principal system|user:<subject>|group:<id>.");
        const policy = policyFromFlags(flags);
        const g = await issueGrant({
          ...vaultAt(flags),
          secretId: flags.secret,
          principal: flags.principal,
          policy,
          ...(flags.label ? { label: flags.label } : {}),
          ...(flags.account ? { account: flags.account } : {}),
        });
        if (flags.json) return out(JSON.stringify(g, null, 2));
        const summary = policySummary(g.policy);
        out(`Issued grant ${g.grantId} (${g.provider}, ${g.principal.type}${g.principal.label ? " " + g.principal.label : ""})${summary ? `; policy: ${summary}` : ""}.`);
      }),
    );
  const policyCmd = withData(
    grants
      .command("policy")
      .description("replace a grant's own policy (any grant, connected or issued); the managed secret's floor still applies")
      .argument("<grantId>"),
  )
    .option("--clear", "remove the grant's own policy")
    .option("--json", "print JSON");
  withPolicyFlags(policyCmd, "the grant").action(
    action(async (grantId: string, flags: DataFlags & PolicyFlags & { clear?: boolean; json?: boolean }) => {
      const policy = policyFromFlags(flags);
      if (flags.clear && Object.keys(policy).length > 0) usage("--clear removes the policy; give either --clear or policy flags, not both.");
      if (!flags.clear && Object.keys(policy).length === 0) usage("grants policy needs policy flags (--approve-class, --approve-methods, --approve-operations, --require-approval, --ttl, …) or --clear.");
      const g = await setGrantPolicy({ ...vaultAt(flags), grantId, policy });
      if (flags.json) return out(JSON.stringify(g, null, 2));
      const summary = policySummary(g.policy);
      out(summary ? `Policy of grant ${g.grantId}: ${summary}.` : `Grant ${g.grantId} has no policy of its own now.`);
    }),
  );
  withData(grants.command("list").description("list grants"))
    .option("--provider <id>", "only this provider's grants")
    .option("--status <status>", "active, expired, revoked or reauth_required")
    .option("--orphaned", "only grants of users and groups of another issuer than the IDP's: no token reaches them")
    .option("--json", "print JSON")
    .action(
      action(async (flags: DataFlags & { provider?: string; status?: string; orphaned?: boolean; json?: boolean }) => {
        if (flags.status && !["active", "expired", "revoked", "reauth_required"].includes(flags.status)) {
          usage(`${flagValue("--status", flags.status)} must be active, expired, revoked or reauth_required.`);
        }
        const rows = await listGrants({
          ...vaultAt(flags),
          ...(flags.provider ? { provider: flags.provider } : {}),
          ...(flags.status ? { status: flags.status as GrantStatus } : {}),
          ...(flags.orphaned ? { orphaned: true } : {}),
        });
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        const head = ["GRANT", "PROVIDER", "ACCOUNT", "PRINCIPAL", "SOURCE", "STATUS", "EXPIRES", "POLICY"];
        const cells = (g: (typeof rows)[number]) => [
          g.grantId,
          g.provider,
          g.account ?? "",
          `${g.principal.type}${g.principal.label ? ":" + g.principal.label : ""}`,
          g.source,
          g.orphaned ? `${g.status} (orphaned)` : g.status,
          g.expiresAt ?? "",
          policySummary(g.policy),
        ];
        out(flags.orphaned ? table([...head, "ISSUER"], rows.map((g) => [...cells(g), g.principal.issuer ?? "(unknown)"])) : table(head, rows.map(cells)));
      }),
    );
  withData(grants.command("revoke-orphaned").description("revoke every grant of users and groups of another issuer than the app's IDP (after an IDP switch)"))
    .option("--reason <text>", "why (kept on each grant)", "orphaned by an IDP switch")
    .option("--yes", "do not ask")
    .action(
      action(async (flags: DataFlags & { reason: string; yes?: boolean }) => {
        const orphaned = await listGrants({ ...vaultAt(flags), orphaned: true });
        if (orphaned.length === 0) return out("No orphaned grants.");
        const situation = `${orphaned.length} grant(s) belong to users and groups of another issuer than the app's IDP; revoking deletes their tokens for good.`;
        if (!(await confirm({ yes: flags.yes, situation, question: `Revoke ${orphaned.length} grant(s)?` }))) usage("Nothing was revoked.");
        const revoked = await revokeOrphanedGrants({ ...vaultAt(flags), reason: flags.reason });
        out(`Revoked ${revoked.length} orphaned grant(s)${revoked.length ? ": " + revoked.join(", ") : ""}.`);
      }),
    );
  withData(grants.command("revoke").description("revoke a grant (deletes its tokens; only a new connect or grant restores access)"))
    .argument("<grantId>", "the grant to revoke")
    .option("--reason <text>", "why (kept in the audit log)")
    .action(
      action(async (grantId: string, flags: DataFlags & { reason?: string }) => {
        const g = await revokeGrant({ ...vaultAt(flags), grantId, ...(flags.reason ? { reason: flags.reason } : {}) });
        out(`Revoked grant ${g.grantId} (${g.provider}).`);
      }),
    );
}
