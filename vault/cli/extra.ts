// Command groups owned by other parts of the vault. Each entry adds its subcommands to `vault`.
import type { Command } from "commander";

export const extraVaultCommands: ((vault: Command) => void)[] = [];
