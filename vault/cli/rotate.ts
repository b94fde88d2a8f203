import type { Command } from "commander";
import { rotateMasterKey } from "../admin/rotate.js";
import { action, out, readEnvSecret, vaultAt, withData, type DataFlags } from "./common.js";

export function registerRotate(vault: Command): void {
  withData(vault.command("rotate-master-key").description("rotate the key-encryption key while the vault serves: add a new KEK, make it current, rewrap every stored secret, retire the old one"))
    .option("--new-key-from-env <VAR>", "take the new key from this variable (needed when ALTER_VAULT_MASTER_KEY holds the current one)")
    .option("--add-only", "only add the new KEK to this folder's keyring.json and the database; copy keyring.json to every other instance's data folder, then run again")
    .action(
      action(async (flags: DataFlags & { newKeyFromEnv?: string; addOnly?: boolean }) => {
        const r = await rotateMasterKey({
          ...vaultAt(flags),
          ...(flags.newKeyFromEnv ? { newMasterKey: readEnvSecret(flags.newKeyFromEnv, "--new-key-from-env") } : {}),
          ...(flags.addOnly ? { addOnly: true } : {}),
        });
        if (r.phase === "added") {
          out(`Added KEK ${r.kekId} to keyring.json. Copy it to every other instance's data folder (mode 0600), then run rotate-master-key again.`);
          return;
        }
        out(`Re-sealed ${r.resealed} values under KEK ${r.kekId}${r.retired.length ? `; retired ${r.retired.join(", ")}` : ""}.`);
        if (r.keyDestination === "env") out("Now set ALTER_VAULT_MASTER_KEY to the new key before starting the vault again.");
        else out("The new key replaced master.key; copy it to other instances' data folders and remove their keyring.json.");
      }),
    );
}
