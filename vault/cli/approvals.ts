import type { Command } from "commander";

export function registerApprovals(_vault: Command): void {}
