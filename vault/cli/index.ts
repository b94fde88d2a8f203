// The `alter-gen vault …` commands; the alter-gen program (cli/main.ts) calls registerVaultCommands().
import type { Command } from "commander";
import { registerInit } from "./init.js";
import { registerStart } from "./start.js";
import { registerSecrets } from "./secrets.js";
import { registerGrants } from "./grants.js";
import { registerApprovals } from "./approvals.js";
import { registerProviders } from "./providers.js";
import { registerKeys } from "./keys.js";
import { registerAudit } from "./audit.js";
import { registerRotate } from "./rotate.js";

/** Command groups added by other modules (identity adds `idp` and `users`). Add one line each. */
import { extraVaultCommands } from "./extra.js";

export { maskSecrets } from "../quote.js";

export function registerVaultCommands(program: Command): Command {
  const vault = program.command("vault").description("run and administer the local alter-gen vault");
  registerInit(vault);
  registerStart(vault);
  registerSecrets(vault);
  registerGrants(vault);
  registerApprovals(vault);
  registerProviders(vault);
  registerKeys(vault);
  registerAudit(vault);
  registerRotate(vault);
  for (const register of extraVaultCommands) register(vault);
  return vault;
}
