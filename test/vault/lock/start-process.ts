// One `alter-gen vault start` waiting for a signal, so several can be launched at the same
// instant: the CLI is loaded first, prints `ready`, and runs `vault start --data <dir> --port 0`
// when a `go` line arrives on stdin. Run with `node --import tsx`.
import { createInterface } from "node:readline";
import { main } from "../../../cli/main.js";

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: start-process.ts <dataDir>");
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
// A parent that dies leaves no server behind.
process.stdin.once("end", () => process.exit(0));
lines.once("line", () => {
  lines.close();
  // stdin stays open (the parent's pipe), so exit explicitly once the command returns.
  void main(["vault", "start", "--data", dataDir, "--port", "0"]).then((code) => process.exit(code));
});
