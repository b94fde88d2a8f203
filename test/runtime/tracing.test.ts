// OpenTelemetry tracing against the real SDK, undici's real instrumentation and an in-memory
// exporter (run in the application's own process: support/tracing-child.ts), a real local vault
// and the GitHub stand-in. For header, query and cookie injections and in both modes: one CLIENT
// span per provider attempt (retries each their own, with resend_count), a span per vault call,
// all under the operation's span, none from undici's instrumentation, and no canary anywhere.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverError, type ScriptedResponse } from "../../standins/index.js";
import { CANARY_CREDENTIALS, findLeak, type CanaryCredential } from "../support/canary-forms.js";
import { startPeers, type Peers } from "./support/peers.js";
import type { Scenario } from "./support/tracing-child.js";

const ROOT = join(import.meta.dirname, "../..");
const USER_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJDQU5BUllVU0VSIn0.CANARYtraceUserSig";
const CLIENT = 2;
const INTERNAL = 0;
const ERROR = 2;
const OP_SPAN = "github repos/get";
const ATTEMPT_SPAN = "GET /repos/{owner}/{repo}";

interface Span {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  scope: string;
}

/** Each scenario: its calls' scripted provider answers, and what its trace must hold. */
const SCENARIOS: { s: Scenario; answers: () => ScriptedResponse[]; outcome: string; attempts: number[]; vaultSpans: string[] }[] = [
  { s: { name: "retrieve ok", mode: "retrieve" }, answers: () => [{ status: 200, body: repo() }], outcome: "ok", attempts: [200], vaultSpans: ["POST /v1/credentials/retrieve"] },
  {
    s: { name: "retrieve retried", mode: "retrieve" },
    answers: () => [serverError(503), { status: 200, body: repo() }],
    outcome: "ok",
    attempts: [503, 200],
    // A retry reuses the credential it retrieved: one vault call.
    vaultSpans: ["POST /v1/credentials/retrieve"],
  },
  { s: { name: "retrieve 404", mode: "retrieve" }, answers: () => [serverError(404, { message: "Not Found" })], outcome: "error provider_error", attempts: [404], vaultSpans: ["POST /v1/credentials/retrieve"] },
  { s: { name: "proxy ok", mode: "proxy" }, answers: () => [{ status: 200, body: repo() }], outcome: "ok", attempts: [200], vaultSpans: [] },
  { s: { name: "proxy retried", mode: "proxy" }, answers: () => [serverError(503), { status: 200, body: repo() }], outcome: "ok", attempts: [503, 200], vaultSpans: [] },
  { s: { name: "proxy 404", mode: "proxy" }, answers: () => [serverError(404, { message: "Not Found" })], outcome: "error provider_error", attempts: [404], vaultSpans: [] },
];

function repo() {
  return { id: 1, name: "r", full_name: "o/r" };
}

describe.each(CANARY_CREDENTIALS.filter((c) => ["bearer", "query", "cookie"].includes(c.name)))("tracing with a $name credential", (cred: CanaryCredential) => {
  let p: Peers;
  let spans: Span[];
  let outcomes: Record<string, string>;
  let apiKeySecret: string;
  let sent: { headers: Record<string, string> }[];

  beforeAll(async () => {
    p = await startPeers("github", { catalog: { injection: cred.injection } });
    const grant = await p.grant(cred.secret.value);
    const gatedGrant = await p.grant(cred.secret.value, { policy: { requireApproval: true } });
    apiKeySecret = p.apiKey.split("_").slice(3).join("_");
    p.standin.script("repos/get", ...SCENARIOS.flatMap((x) => x.answers()));
    p.standin.paginate("repos/list-for-org", { pages: 3, perPage: 2 });
    // A user token goes with every vault request of a vault that has a user token source; this
    // vault has no IDP, so it refuses the call (a vault-side failure, traced too).
    const scenarios = [...SCENARIOS.map((x) => x.s), { name: "user token refused", mode: "retrieve", userToken: USER_TOKEN } satisfies Scenario, { name: "approval", mode: "proxy", gated: true } satisfies Scenario, { name: "pages", mode: "retrieve", pages: true } satisfies Scenario, { name: "management", mode: "retrieve", management: true } satisfies Scenario];
    const input = { vaultUrl: p.vault.url, apiKey: p.apiKey, grant, gatedGrant, provider: p.provider, scenarios };
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", join(ROOT, "test/runtime/support/tracing-child.ts")], {
      cwd: ROOT,
      env: { ...process.env, TRACE_INPUT: JSON.stringify(input) },
      timeout: 90_000,
    });
    ({ spans, outcomes } = JSON.parse(stdout) as { spans: Span[]; outcomes: Record<string, string> });
    sent = p.standin.requests as { headers: Record<string, string> }[];
  }, 120_000);
  afterAll(async () => {
    await p?.close();
  });

  const traceOf = (scenario: string) => {
    const root = spans.find((s) => s.name === scenario || s.name === `scenario ${scenario}`);
    expect(root, scenario).toBeDefined();
    return spans.filter((s) => s.traceId === root!.traceId && s !== root);
  };

  it("undici's instrumentation is live: it records a plain request of the process", () => {
    const control = traceOf("control");
    expect(control.map((s) => `${s.scope} ${s.name} ${s.kind}`)).toEqual(["@opentelemetry/instrumentation-undici GET 2"]);
  });

  it.each(SCENARIOS.map((x) => [x.s.name, x] as const))("%s: operation span, one span per attempt and per vault call, nothing from undici", (name, x) => {
    expect(outcomes[name]).toBe(x.outcome);
    const t = traceOf(name);
    // Only alter-gen's spans: undici's instrumentation saw every request but recorded none.
    expect(new Set(t.map((s) => s.scope))).toEqual(new Set(["alter-gen"]));
    const op = t.filter((s) => s.name === OP_SPAN);
    expect(op.map((s) => s.kind)).toEqual([INTERNAL]);
    expect(op[0]!.attributes).toMatchObject({ "alter.provider.id": "github", "alter.operation.id": "repos/get", "alter.mode": x.s.mode, "alter.grant.id": expect.any(String) });
    expect(op[0]!.status.code).toBe(x.outcome === "ok" ? 0 : ERROR);
    const children = t.filter((s) => s !== op[0]);
    expect(children.every((s) => s.parentSpanId === op[0]!.spanId && s.kind === CLIENT)).toBe(true);

    const attempts = children.filter((s) => s.name === ATTEMPT_SPAN);
    expect(attempts.map((s) => s.attributes["http.response.status_code"])).toEqual(x.attempts);
    expect(attempts.map((s) => s.attributes["http.request.resend_count"])).toEqual(x.attempts.map((_, i) => (i === 0 ? undefined : i)));
    expect(attempts.map((s) => s.status.code)).toEqual(x.attempts.map((status) => (status >= 400 ? ERROR : 0)));
    expect(attempts.map((s) => s.attributes["error.type"])).toEqual(x.attempts.map((status) => (status >= 400 ? String(status) : undefined)));
    const standin = new URL(p.standin.url);
    for (const a of attempts) {
      expect(a.attributes).toMatchObject({
        "http.request.method": "GET",
        "server.address": standin.hostname,
        "server.port": Number(standin.port),
        // No query at all: the injected access_token of the query injection is not part of it.
        "url.full": `${p.standin.url}/repos/o/r`,
        "url.template": "/repos/{owner}/{repo}",
        "alter.operation.id": "repos/get",
      });
    }
    const vault = children.filter((s) => s.name !== ATTEMPT_SPAN);
    expect(vault.map((s) => s.name)).toEqual(x.vaultSpans);
    for (const v of vault) expect(v.attributes).toMatchObject({ "url.full": `${p.vault.url}/v1/credentials/retrieve`, "http.response.status_code": 200 });
  });

  it("a vault that refuses the call: its span has the status and the error's code, and the operation fails", () => {
    expect(outcomes["user token refused"]).toMatch(/^error /);
    const vault = traceOf("user token refused").filter((s) => s.name === "POST /v1/credentials/retrieve");
    expect(vault).toHaveLength(1);
    expect(vault[0]!.status.code).toBe(ERROR);
    expect(vault[0]!.attributes["error.type"]).toBe(outcomes["user token refused"]!.slice("error ".length));
  });

  it("a call that needs approval, then polling for it: the proxy attempt fails with approval_required, each poll is a vault span", () => {
    expect(outcomes["approval"]).toMatch(/^error approval_required then stopped after two polls$/);
    const t = traceOf("approval");
    const attempt = t.filter((s) => s.name === ATTEMPT_SPAN);
    expect(attempt.map((s) => [s.status.code, s.attributes["error.type"]])).toEqual([[ERROR, "approval_required"]]);
    const polls = t.filter((s) => s.name === "GET /v1/approvals/{approvalId}");
    expect(polls.length).toBeGreaterThanOrEqual(2);
    for (const poll of polls) {
      expect(poll.kind).toBe(CLIENT);
      expect(poll.attributes).toMatchObject({ "http.response.status_code": 200, "url.template": "/v1/approvals/{approvalId}", "alter.approval.id": expect.any(String) });
    }
  });

  it("a listing: each page is an operation span of its own with one attempt, every URL without the credential", () => {
    expect(outcomes["pages"]).toBe("ok 3 pages");
    const t = traceOf("pages");
    const ops = t.filter((s) => s.name === "github repos/list-for-org");
    expect(ops).toHaveLength(3);
    const attempts = t.filter((s) => s.name === "GET /orgs/{org}/repos");
    expect(attempts.map((s) => ops.some((o) => o.spanId === s.parentSpanId))).toEqual([true, true, true]);
    const urls = attempts.map((s) => new URL(String(s.attributes["url.full"])));
    expect(urls.map((u) => `${u.pathname} ${u.searchParams.get("page") ?? "1"} ${u.searchParams.has("access_token")}`)).toEqual(["/orgs/nodejs/repos 1 false", "/orgs/nodejs/repos 2 false", "/orgs/nodejs/repos 3 false"]);
  });

  it("requests outside a provider call (grants, sessions) are vault spans too, named by their path template", () => {
    expect(outcomes["management"]).toMatch(/^listed \d+; revoke error grant_not_found$/);
    const t = traceOf("management").filter((s) => s.scope === "alter-gen");
    expect(t.map((s) => s.name)).toEqual(["GET /v1/grants", "POST /v1/grants/{grantId}/revoke"]);
    expect(t.map((s) => [s.kind, s.attributes["url.template"], s.attributes["http.response.status_code"] ?? null])).toEqual([
      [CLIENT, "/v1/grants", 200],
      [CLIENT, "/v1/grants/{grantId}/revoke", 404],
    ]);
    expect(t[1]!.status.code).toBe(ERROR);
    expect(t[1]!.attributes["error.type"]).toBe("grant_not_found");
  });

  it("no traceparent reached the provider: propagation was suppressed with the span", () => {
    // The retrieve-mode ones left this process (the child); the proxy-mode ones left the vault.
    expect(sent.length).toBe(11);
    expect(sent.filter((r) => "traceparent" in r.headers)).toEqual([]);
  });

  it("no exported span holds the credential, the API key's secret or the user token, in any form", () => {
    const text = JSON.stringify(spans);
    expect(text).toContain(ATTEMPT_SPAN);
    expect(findLeak(cred, text)).toBeUndefined();
    for (const canary of [apiKeySecret, USER_TOKEN, "CANARYtraceUserSig"]) expect(text).not.toContain(canary);
  });
});
