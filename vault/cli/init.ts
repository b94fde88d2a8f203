import type { Command } from "commander";
import { initVault } from "../admin/init.js";
import { action, out, vaultAt, withData, type DataFlags } from "./common.js";
import { maskSecrets } from "../quote.js";

export function registerInit(vault: Command): void {
  withData(vault.command("init").description("create a vault data folder: master key (mode 0600), database, app and its first API key"))
    .option("--app-name <name>", "the app's name", "default")
    .addHelpText(
      "after",
      "\nOn PostgreSQL (--database-url or ALTER_VAULT_DATABASE_URL): run `alter-gen vault migrate --database-url …` as the schema's owner first, then init as the role\nthe vault runs as. The database must hold no vault yet; --data then gets only master.key, which every instance's --data folder needs a copy of.",
    )
    .action(
      action(async (flags: DataFlags & { appName: string }) => {
        const r = await initVault({ ...vaultAt(flags), appName: flags.appName });
        const dir = maskSecrets(r.dataDir);
        out(r.database ? `Vault created in the PostgreSQL database ${maskSecrets(r.database)} (app ${r.appId}).` : `Vault created in ${dir} (app ${r.appId}).`);
        out(r.masterKeySource === "file" ? `Master key: ${dir}/master.key (mode 0600). Back it up; without it the data cannot be read.${r.database ? " Every instance serving this database needs a copy in its --data folder." : ""}` : "Master key: from ALTER_VAULT_MASTER_KEY (not written to disk).");
        out("");
        out("API key (shown once; store it as ALTER_API_KEY, it cannot be shown again):");
        out(`  ${r.apiKey}`);
      }),
    );
}
