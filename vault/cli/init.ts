import type { Command } from "commander";
import { initVault } from "../admin/init.js";
import { action, out, withData, type DataFlags } from "./common.js";
import { maskSecrets } from "../quote.js";

export function registerInit(vault: Command): void {
  withData(vault.command("init").description("create a vault data folder: master key (mode 0600), database, app and its first API key"))
    .option("--app-name <name>", "the app's name", "default")
    .action(
      action(async (flags: DataFlags & { appName: string }) => {
        const r = await initVault({ dataDir: flags.data, appName: flags.appName });
        const dir = maskSecrets(r.dataDir);
        out(`Vault created in ${dir} (app ${r.appId}).`);
        out(r.masterKeySource === "file" ? `Master key: ${dir}/master.key (mode 0600). Back it up; without it the data cannot be read.` : "Master key: from ALTER_VAULT_MASTER_KEY (not written to disk).");
        out("");
        out("API key (shown once; store it as ALTER_API_KEY, it cannot be shown again):");
        out(`  ${r.apiKey}`);
      }),
    );
}
