import type { Command } from "commander";
import { rotateMasterKey } from "../admin/rotate.js";
import { action, out, readEnvSecret, vaultAt, withData, type DataFlags } from "./common.js";

export function registerRotate(vault: Command): void {
  withData(vault.command("rotate-master-key").description("re-encrypt every stored secret under a new master key (one transaction)"))
    .option("--new-key-from-env <VAR>", "take the new key from this variable (needed when ALTER_VAULT_MASTER_KEY holds the current one)")
    .action(
      action(async (flags: DataFlags & { newKeyFromEnv?: string }) => {
        const r = await rotateMasterKey({
          ...vaultAt(flags),
          ...(flags.newKeyFromEnv ? { newMasterKey: readEnvSecret(flags.newKeyFromEnv, "--new-key-from-env") } : {}),
        });
        out(`Re-sealed ${r.resealed} values under the new master key.`);
        if (r.keyDestination === "env") out("Now set ALTER_VAULT_MASTER_KEY to the new key before starting the vault again.");
        else out("The new key replaced master.key.");
      }),
    );
}
