// Run by test/runtime/tracing-optional.test.ts in a process without @opentelemetry/api (see
// without-otel.mjs): two calls with tracing off or on; prints their outcomes and every warning.
import { AlterVault, bindOperations, type OperationTable, type ProviderSpec } from "../../../runtime/index.js";

const input = JSON.parse(process.env.TRACE_INPUT ?? "{}") as { vaultUrl: string; apiKey: string; grant: string; provider: ProviderSpec; tracing: boolean };
const warnings: string[] = [];
process.on("warning", (w) => warnings.push(`process: ${w.message}`));
const ops = { get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } } } as const satisfies OperationTable;
const vault = new AlterVault({ apiKey: input.apiKey, baseUrl: input.vaultUrl, tracing: input.tracing, logger: { warn: (m) => warnings.push(`logger: ${m}`) } });
const client = bindOperations<Record<"get", any>>(vault, input.provider, ops);
const outcomes: string[] = [];
for (let i = 0; i < 2; i++) outcomes.push(await client.get(input.grant, { owner: "o", repo: "r" }).then(() => "ok", (e: Error) => `error ${e.message}`));
await vault.close();
await new Promise((r) => setImmediate(r));
process.stdout.write(JSON.stringify({ outcomes, warnings }));
