// Runs the CLI from the TypeScript sources (`node --import tsx generator/cli-entry.ts`), as the
// tests and the development scripts do; bin/alter-gen.js runs the compiled copy.
import { main } from "./cli.js";

process.exitCode = await main(process.argv.slice(2));
