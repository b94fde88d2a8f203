// Tracing is optional: a process without @opentelemetry/api never tries to load it unless tracing
// is asked for, and then only warns (support/without-otel.mjs stands in for the missing package);
// the `tracing` option is checked; a tracer provider given to one vault gets its spans.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterValueError, AlterVault, bindOperations, type OperationTable } from "../../runtime/index.js";
import { startPeers, type Peers } from "./support/peers.js";

const ROOT = join(import.meta.dirname, "../..");
const ops = { get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } } } as const satisfies OperationTable;
let p: Peers;
let grant: string;

beforeAll(async () => {
  p = await startPeers("github");
  grant = await p.grant("ghp_tracingOptional01");
});
afterAll(async () => {
  await p?.close();
});

describe("without @opentelemetry/api installed", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "alter-otel-probe-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (tracing: boolean) => {
    const probe = join(dir, `probe-${tracing}`);
    const input = { vaultUrl: p.vault.url, apiKey: p.apiKey, grant, provider: p.provider, tracing };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--import", join(ROOT, "test/runtime/support/without-otel.mjs"), join(ROOT, "test/runtime/support/tracing-optional-child.ts")],
      { cwd: ROOT, env: { ...process.env, TRACE_INPUT: JSON.stringify(input), OTEL_PROBE_FILE: probe }, timeout: 60_000 },
    );
    const tried = await readFile(probe, "utf8").catch(() => "");
    return { ...(JSON.parse(stdout) as { outcomes: string[]; warnings: string[] }), tried: tried.split("\n").filter(Boolean) };
  };

  it.each([
    // [tracing, what the runtime tried to load, warnings]
    [false, [], []],
    [true, ["@opentelemetry/api"], ["logger: alter-gen: tracing is enabled but @opentelemetry/api could not be loaded (is it installed?); calls are not traced"]],
  ] as const)("tracing: %s → loads %j, calls work, warnings %j", async (tracing, tried, warnings) => {
    const got = await run(tracing);
    expect(got.outcomes).toEqual(["ok", "ok"]);
    expect(got.tried).toEqual(tried);
    expect(got.warnings).toEqual(warnings);
  }, 90_000);
});

describe("the tracing option", () => {
  it.each([
    ["a string", "yes", "tracing must be true, false or { tracerProvider }"],
    ["an array", [], "tracing must be true, false or { tracerProvider }"],
    ["null", null, "tracing must be true, false or { tracerProvider }"],
    ["a provider without getTracer", { tracerProvider: {} }, "tracing.tracerProvider must be an OpenTelemetry TracerProvider (an object with getTracer)"],
  ])("refuses %s", (_what, value, message) => {
    const make = () => new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, tracing: value as never });
    expect(make).toThrow(AlterValueError);
    expect(make).toThrow(message);
  });

  it("tracing on with no SDK registered (the API's no-op tracer): calls work, nothing to warn about", async () => {
    const warnings: string[] = [];
    const vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, tracing: true, logger: { warn: (m) => warnings.push(m) } });
    const client = bindOperations<Record<"get", any>>(vault, p.provider, ops);
    await client.get(grant, { owner: "o", repo: "r" });
    await vault.close();
    expect(warnings).toEqual([]);
  });

  it("a tracer provider that fails to make a tracer: one warning, calls go on untraced", async () => {
    const warnings: string[] = [];
    const tracerProvider = {
      getTracer() {
        throw new TypeError("no tracer today");
      },
    };
    const vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, tracing: { tracerProvider }, logger: { warn: (m) => warnings.push(m) } });
    const client = bindOperations<Record<"get", any>>(vault, p.provider, ops);
    await client.get(grant, { owner: "o", repo: "r" });
    await client.get(grant, { owner: "o", repo: "r" });
    await vault.close();
    expect(warnings).toEqual(["alter-gen: tracing is enabled but the tracer provider could not make a tracer (TypeError); calls are not traced"]);
  });

  it("a tracer provider of one vault's own gets its spans; no context manager is warned about once", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const warnings: string[] = [];
    const vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, tracing: { tracerProvider }, logger: { warn: (m) => warnings.push(m) } });
    const client = bindOperations<Record<"get", any>>(vault, p.provider, ops);
    await client.get(grant, { owner: "o", repo: "r" });
    await client.get(grant, { owner: "o", repo: "r" });
    await vault.close();
    const names = exporter.getFinishedSpans().map((s) => `${s.instrumentationScope.name} ${s.name}`);
    // Spans end child first: the vault's, the provider attempt's, then the operation's.
    const oneCall = ["POST /v1/credentials/retrieve", "GET /repos/{owner}/{repo}", "github repos/get"].map((n) => `alter-gen ${n}`);
    expect(names).toEqual([...oneCall, ...oneCall]);
    expect(warnings).toEqual([expect.stringContaining("no OpenTelemetry context manager is registered")]);
  });
});
