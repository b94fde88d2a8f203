// Run by test/runtime/diagnostics.test.ts as its own process (the application's process, with
// no vault in it): subscribes to every diagnostics channel the given names list, as an in-process
// APM agent would, makes one call through the runtime, and prints which channels carried the
// credential. Input: the JSON in DIAG_INPUT.
import diagnostics from "node:diagnostics_channel";
import { inspect } from "node:util";
import { AlterVault, bindOperations, type OperationTable, type ProviderSpec } from "../../../runtime/index.js";

interface Input {
  vaultUrl: string;
  apiKey: string;
  grant: string;
  provider: ProviderSpec;
  mode: "retrieve" | "proxy";
  secret: string;
  channels: string[];
}

const input = JSON.parse(process.env.DIAG_INPUT ?? "{}") as Input;
const seen: Record<string, { messages: number; carried: boolean }> = {};
for (const name of input.channels) {
  seen[name] = { messages: 0, carried: false };
  diagnostics.subscribe(name, (message) => {
    const entry = seen[name]!;
    entry.messages++;
    if (inspect(message, { depth: 8, showHidden: true, maxStringLength: Infinity, maxArrayLength: Infinity }).includes(input.secret)) entry.carried = true;
  });
}

const ops = { get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } } } as const satisfies OperationTable;
const vault = new AlterVault({ apiKey: input.apiKey, baseUrl: input.vaultUrl, retry: false });
const github = bindOperations<{ get: (g: string, p: object) => Promise<unknown> }>(vault, input.provider, ops, { mode: input.mode });
await github.get(input.grant, { owner: "o", repo: "r" });
await vault.close();
process.stdout.write(JSON.stringify(seen));
