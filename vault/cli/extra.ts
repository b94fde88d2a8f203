// Command groups owned by other parts of the vault. Each entry adds its subcommands to `vault`.
import type { Command } from "commander";
import { registerIdp } from "./idp.js";
import { registerUsers } from "./users.js";
import { registerOAuth } from "./oauth.js";
import { registerImport, registerMigrate } from "./migrate.js";

export const extraVaultCommands: ((vault: Command) => void)[] = [registerIdp, registerUsers, registerOAuth, registerMigrate, registerImport];
