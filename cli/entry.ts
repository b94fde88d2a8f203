// Runs the CLI from the TypeScript sources (`node --import tsx cli/entry.ts`), as the tests and
// the development scripts do; bin/alter-gen.js runs the compiled copy (dist/cli/main.js).
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
