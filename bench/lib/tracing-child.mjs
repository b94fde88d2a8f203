// One variant of `npm run bench:tracing` in a fresh process: sets up OpenTelemetry as the
// variant says (or not at all), then makes retrieve-mode calls through the built runtime to the
// local vault and the loopback provider, and prints the CPU (user+sys) and wall time per call of
// this process. Input: JSON in argv[2] {variant, baseUrl, apiKey, grantId, providerOrigin, calls,
// warmup, concurrency}.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./env.mjs";

const input = JSON.parse(process.argv[2]);
const variant = input.variant;
let tracing = false;
let flush = async () => {};
if (variant !== "off") {
  tracing = true;
  if (variant !== "api-only") {
    const api = await import("@opentelemetry/api");
    const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
    const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
    // An exporter that drops what it is given: the cost measured is the spans', not a backend's.
    const exporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 8192, maxExportBatchSize: 512, scheduledDelayMillis: 200 })] });
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    api.trace.setGlobalTracerProvider(provider);
    flush = () => provider.forceFlush();
    if (variant === "sdk+undici") {
      const { UndiciInstrumentation } = await import("@opentelemetry/instrumentation-undici");
      const undici = new UndiciInstrumentation();
      undici.setTracerProvider(provider);
      undici.enable();
    }
  }
}
if (input.spansOnly) {
  process.stdout.write(JSON.stringify(await spansOnly()));
  process.exit(0);
}
const { AlterVault, bindOperations } = await import(pathToFileURL(path.join(ROOT, "dist/runtime/index.js")).href);
const vault = new AlterVault({ apiKey: input.apiKey, baseUrl: input.baseUrl, tracing, retry: false });
const provider = { id: "github", name: "GitHub", baseUrl: input.providerOrigin };
const ops = { get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } } };
const github = bindOperations(vault, provider, ops);
const call = () => github.get(input.grantId, { owner: "octocat", repo: "Hello-World" });

async function run(total) {
  let next = 0;
  const worker = async () => {
    while (next++ < total) await call();
  };
  await Promise.all(Array.from({ length: input.concurrency }, worker));
}

await run(input.warmup);
await flush();
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
await run(input.calls);
await flush();
const cpu = process.cpuUsage(cpu0);
const wallNs = Number(process.hrtime.bigint() - t0);
await vault.close();
process.stdout.write(JSON.stringify({ variant, cpuUsPerCall: (cpu.user + cpu.system) / input.calls, wallUsPerCall: wallNs / 1000 / input.calls }));

/**
 * The span work of one traced call alone, no I/O: the operation span around a vault call span and
 * a provider attempt span whose work is an already-settled promise, through the runtime's own
 * functions (dist/runtime/internal/trace-spans.js). "off" runs the same promises untraced.
 */
async function spansOnly() {
  const dist = (p) => import(pathToFileURL(path.join(ROOT, "dist/runtime/internal", p)).href);
  const { createTracing } = await dist("tracing.js");
  const spans = await dist("trace-spans.js");
  const t = createTracing(tracing, () => {});
  await t?.load();
  const callInput = { provider: { id: "github", name: "GitHub", baseUrl: "https://api.github.com" }, op: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}" }, grant: "grt_0123456789abcdef" };
  const answer = { status: 200, headers: {}, body: "" };
  const vaultAnswer = { status: 200, data: {}, nonce: "n" };
  const once = () => {
    const p = { method: "GET", url: "https://api.github.com/repos/octocat/Hello-World?per_page=5", host: "api.github.com" };
    if (!t) return Promise.resolve(vaultAnswer).then(() => Promise.resolve(answer));
    return spans.traceOperation(t, callInput, "retrieve", () =>
      spans.traceVaultCall(t, "http://127.0.0.1:7420", "/v1/credentials/retrieve", callInput, p, () => Promise.resolve(vaultAnswer)).then(() => spans.traceProviderAttempt(t, callInput, p, p.url, () => Promise.resolve(answer))),
    );
  };
  const n = input.calls * 10;
  for (let i = 0; i < input.warmup * 10; i++) await once();
  await flush();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await once();
  await flush();
  const cpu = process.cpuUsage(cpu0);
  return { variant, cpuUsPerCall: (cpu.user + cpu.system) / n, wallUsPerCall: 0 };
}
