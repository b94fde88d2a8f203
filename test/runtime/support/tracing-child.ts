// Run by test/runtime/tracing.test.ts as its own process (the application's, with no vault in it,
// so the vault's own outbound requests cannot mix in): the OpenTelemetry SDK as an application
// sets it up (AsyncLocalStorage context manager, W3C propagation, undici's instrumentation, an
// in-memory exporter), then one call per scenario, each under a root span of its own. Prints
// every exported span as JSON. Input: the JSON in TRACE_INPUT.
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { request } from "undici";
import type { OperationTable, ProviderSpec } from "../../../runtime/index.js";

export interface Scenario {
  name: string;
  mode: "retrieve" | "proxy";
  /** Give the vault a user token source (the token then goes with every vault request). */
  userToken?: string;
  /** Call with the grant that needs approval, then poll the approval twice and stop. */
  gated?: boolean;
  /** Walk every page of a listing (the stand-in serves a Link-header series). */
  pages?: boolean;
  /** No provider call: list the grants, then revoke one that does not exist (management requests). */
  management?: boolean;
}

interface Input {
  vaultUrl: string;
  apiKey: string;
  grant: string;
  gatedGrant: string;
  provider: ProviderSpec;
  scenarios: Scenario[];
}

const input = JSON.parse(process.env.TRACE_INPUT ?? "{}") as Input;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(provider);
const undici = new UndiciInstrumentation();
undici.setTracerProvider(provider);
undici.enable();

// Loaded after the SDK, as an application's instrumentation file runs first.
const { AlterVault, bindOperations } = await import("../../../runtime/index.js");
const ops = {
  get: { id: "repos/get", method: "GET", path: "/repos/{owner}/{repo}", params: { owner: "path", repo: "path" } },
  listForOrg: { id: "repos/list-for-org", method: "GET", path: "/orgs/{org}/repos", params: { org: "path", per_page: "query", page: "query" }, paginate: {} },
} as const satisfies OperationTable;
const root = trace.getTracer("test");
const outcomes: Record<string, string> = {};

// The control: a plain undici request is recorded by the instrumentation, so it is live.
await root.startActiveSpan("control", async (span) => {
  await (await request(`${input.vaultUrl}/v1/health`)).body.text();
  span.end();
});

for (const s of input.scenarios) {
  const vault = new AlterVault({
    apiKey: input.apiKey,
    baseUrl: input.vaultUrl,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    tracing: true,
    ...(s.userToken ? { userTokenGetter: () => s.userToken! } : {}),
  });
  const client = bindOperations<Record<keyof typeof ops, any>>(vault, input.provider, ops, { mode: s.mode });
  await root.startActiveSpan(`scenario ${s.name}`, async (span) => {
    try {
      if (s.management) {
        const page = await vault.listGrants();
        const revoked = await vault.revokeGrant("00000000-0000-4000-8000-000000000000").then(() => "ok", (e: { code?: string }) => `error ${e.code}`);
        outcomes[s.name] = `listed ${page.grants.length}; revoke ${revoked}`;
        span.end();
        return;
      }
      if (s.pages) {
        let pages = 0;
        for await (const _page of client.listForOrg.pages(input.grant, { org: "nodejs", per_page: 2 })) pages++;
        outcomes[s.name] = `ok ${pages} pages`;
        span.end();
        return;
      }
      await client.get(s.gated ? input.gatedGrant : input.grant, { owner: "o", repo: "r" });
      outcomes[s.name] = "ok";
    } catch (error) {
      outcomes[s.name] = `error ${(error as { code?: string }).code}`;
      const approvalId = (error as { approvalId?: string }).approvalId;
      if (s.gated && approvalId) {
        // Stopped once two polls have ended, not by a time limit: the first poll of a cold child can
        // take seconds on a loaded machine (its modules are compiled on first use).
        const stop = new AbortController();
        const twoPolls = setInterval(() => {
          if (exporter.getFinishedSpans().filter((x) => x.name === "GET /v1/approvals/{approvalId}").length >= 2) stop.abort();
        }, 5);
        const waited = await vault
          .awaitApproval(approvalId, { timeoutMs: 60_000, pollIntervalMs: 20, signal: stop.signal })
          .catch((e: { code?: string }) => (stop.signal.aborted ? "stopped after two polls" : e.code));
        clearInterval(twoPolls);
        outcomes[s.name] += ` then ${waited}`;
      }
    }
    span.end();
  });
  await vault.close();
}

await provider.forceFlush();
const spans = exporter.getFinishedSpans().map((s) => ({
  name: s.name,
  kind: s.kind,
  traceId: s.spanContext().traceId,
  spanId: s.spanContext().spanId,
  parentSpanId: s.parentSpanContext?.spanId,
  attributes: s.attributes,
  status: s.status,
  events: s.events,
  links: s.links,
  scope: s.instrumentationScope.name,
}));
process.stdout.write(JSON.stringify({ outcomes, spans }));
