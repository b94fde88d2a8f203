// Runs the CLI from the TypeScript sources (`node --import tsx cli/entry.ts`), as the tests and
// the development scripts do; bin/alter-gen.js runs the compiled copy (dist/cli/main.js).
import { main } from "./main.js";
import { exitCodeAfterOutput, guardProcessOutput } from "./output.js";

guardProcessOutput();
process.exitCode = exitCodeAfterOutput(await main(process.argv.slice(2)));
