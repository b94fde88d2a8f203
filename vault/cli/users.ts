// `alter-gen vault users list|remove`.
import type { Command } from "commander";
import { listUsers, removeUser } from "../admin/identity.js";
import { action, out, table, vaultAt, withData, type DataFlags } from "./common.js";

export function registerUsers(vault: Command): void {
  const users = vault.command("users").description("end users seen through the app's IDP");
  withData(users.command("list").description("list users, their groups and when they were last seen"))
    .option("--json", "print JSON")
    .action(
      action(async (flags: DataFlags & { json?: boolean }) => {
        const rows = await listUsers({ ...vaultAt(flags) });
        if (flags.json) return out(JSON.stringify(rows, null, 2));
        out(table(["SUBJECT", "ISSUER", "STATUS", "GROUPS", "LAST SEEN"], rows.map((u) => [u.subject, u.issuer ?? "(unknown)", u.status, u.groups.join(","), u.lastSeenAt ?? ""])));
      }),
    );
  withData(users.command("remove").description("deprovision a user: their tokens stop working and their grants are revoked at once"))
    .argument("<subject>", "the user's IDP subject (sub)")
    .option("--issuer <url>", "the issuer the subject belongs to (default: the app's IDP)")
    .option("--reason <text>", "recorded on each revoked grant", "user removed")
    .action(
      action(async (subject: string, flags: DataFlags & { reason: string; issuer?: string }) => {
        const r = await removeUser({ ...vaultAt(flags), subject, reason: flags.reason, ...(flags.issuer ? { issuer: flags.issuer } : {}) });
        out(`Removed ${r.subject}${r.issuer ? ` (${r.issuer})` : ""}; revoked ${r.revokedGrants.length} grant(s)${r.revokedGrants.length ? ": " + r.revokedGrants.join(", ") : ""}.`);
      }),
    );
}
