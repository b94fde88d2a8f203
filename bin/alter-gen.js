#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm install` builds dist/ through `prepare`.
import { main } from "../dist/cli/main.js";
import { exitCodeAfterOutput, guardProcessOutput } from "../dist/cli/output.js";

guardProcessOutput();
process.exitCode = exitCodeAfterOutput(await main(process.argv.slice(2)));
