// The whole path as a user runs it: generated clients (generated/<id>) → runtime → local vault →
// provider stand-in, for GitHub, Slack and Stripe, with a managed-secret grant (system principal)
// and an OAuth grant connected through the vault's connect flow in headless Chromium, each in
// retrieve and in proxy mode. The stand-in validates every request against the provider's pinned
// document and accepts only the grant's credential; the typed result must equal what it sent, and
// each call must leave exactly one audit row describing it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlterVault, CallMode } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { createSlackClient } from "alter-gen/generated/slack";
import { createStripeClient } from "alter-gen/generated/stripe";
import { ProviderAPIError } from "alter-gen/runtime";
import { addManagedSecret, issueGrant } from "../support/vault-admin.js";
import { auditDuring, callRows, startE2E, type E2E } from "../support/e2e.js";

const PROVIDERS = ["github", "slack", "stripe"] as const;
type ProviderId = (typeof PROVIDERS)[number];
const MANAGED: Record<ProviderId, string> = {
  github: "ghp_E2EmanagedCANARY0001",
  slack: "xoxb-E2E-managed-CANARY-0001",
  stripe: "sk_test_E2EmanagedCANARY0001",
};

let world: E2E;
let app: AlterVault;
const grants: Record<string, string> = {};

beforeAll(async () => {
  world = await startE2E({ providers: [...PROVIDERS] });
  app = world.client({ caller: "e2e-credentials", callerType: "agent", retry: false });
  for (const p of PROVIDERS) {
    grants[`${p}:managed`] = await world.managedGrant(p, MANAGED[p]);
    // No signed-in user on this AlterVault: the connect flow makes a system-principal grant.
    const g = await world.connect(app, p, "alice");
    expect(g).toMatchObject({ provider: p, source: "oauth", principal: { type: "system" }, status: "active" });
    grants[`${p}:oauth`] = g.grantId;
  }
}, 120_000);

afterAll(async () => {
  await world?.close();
});

interface Case {
  operationId: string;
  method: string;
  /** Path under the stand-in's base URL, as the audit row must show it. */
  path: string;
  /** A schema-valid answer with a value no default sample has, so equality proves it was passed through. */
  answer(marker: string): unknown;
  call(mode: CallMode, grant: string, context: { runId: string; threadId: string; toolCallId: string; reason: string }): Promise<unknown>;
}

function sample(p: ProviderId, operationId: string): Record<string, unknown> {
  const st = world.standins[p]!;
  return structuredClone(st.validator.responseFor(st.operation(operationId)).body) as Record<string, unknown>;
}

const CASES: Record<ProviderId, Case> = {
  github: {
    operationId: "repos/get",
    method: "GET",
    path: "/repos/octo-org/hello-world",
    answer: (marker) => ({ ...sample("github", "repos/get"), full_name: `octo-org/${marker}`, name: marker }),
    call: (mode, grant, ctx) =>
      createGithubClient(app, { baseUrl: world.standins.github!.url, mode }).repos.get(grant, { owner: "octo-org", repo: "hello-world" }, ctx),
  },
  slack: {
    operationId: "chat_postMessage",
    method: "POST",
    path: "/chat.postMessage",
    answer: (marker) => ({ ...sample("slack", "chat_postMessage"), ok: true, channel: "C0E2E", ts: marker }),
    call: (mode, grant, ctx) =>
      createSlackClient(app, { baseUrl: world.standins.slack!.url, mode }).chat.postMessage(grant, { body: { channel: "C0E2E", text: "deploy finished" } }, ctx),
  },
  stripe: {
    operationId: "GetCustomersCustomer",
    method: "GET",
    path: "/v1/customers/cus_E2E1",
    answer: (marker) => ({ ...sample("stripe", "GetCustomersCustomer"), id: "cus_E2E1", object: "customer", description: marker }),
    call: (mode, grant, ctx) =>
      createStripeClient(app, { baseUrl: world.standins.stripe!.url, mode }).customers.retrieve(grant, { customer: "cus_E2E1" }, ctx),
  },
};

describe.each(PROVIDERS)("%s through the generated client", (p) => {
  const c = CASES[p];
  it.each([
    ["managed", "retrieve"],
    ["managed", "proxy"],
    ["oauth", "retrieve"],
    ["oauth", "proxy"],
  ] as const)("%s grant, %s mode: the grant's credential reaches the stand-in, the typed result is what it sent, one audit row", async (kind, mode) => {
    const st = world.standins[p]!;
    const grant = grants[`${p}:${kind}`]!;
    const marker = `${p}-${kind}-${mode}-${Date.now()}`;
    const answer = c.answer(marker);
    st.script(c.operationId, { status: 200, body: answer });
    const from = st.requests.length;
    const ctx = { runId: `run-${marker}`, threadId: `thread-${p}`, toolCallId: `call-${marker}`, reason: `e2e ${kind} ${mode}` };

    const { result, rows } = await auditDuring(world, () => c.call(mode, grant, ctx));

    expect(result).toEqual(answer);
    const seen = st.requests.slice(from);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.problems).toEqual([]);
    expect(seen[0]!.operationId).toBe(c.operationId);
    const bearer = /^Bearer (.+)$/.exec(seen[0]!.headers.authorization ?? "")?.[1];
    if (kind === "managed") expect(bearer).toBe(MANAGED[p]);
    else {
      expect(Object.values(MANAGED)).not.toContain(bearer);
      expect(world.idp.isActiveAccessToken(bearer!)).toBe(true);
      expect(world.idp.isActiveAccessToken(`${bearer}x`)).toBe(false);
    }

    const calls = callRows(rows);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      action: mode === "proxy" ? "proxy.call" : "credential.retrieve",
      outcome: "success",
      caller: "e2e-credentials",
      callerType: "agent",
      principalType: "system",
      grantId: grant,
      provider: p,
      operationId: c.operationId,
      method: c.method,
      url: `${st.url}${c.path}`,
      reason: ctx.reason,
      runId: ctx.runId,
      threadId: ctx.threadId,
      toolCallId: ctx.toolCallId,
    });
  });
});

describe("the stand-in's credential check is live", () => {
  it("a token the provider never issued is refused with 401 (after one fresh retrieve), in both modes", async () => {
    const token = "ghp_UNKNOWNtoProviderCANARY01";
    world.canaries.push(token);
    const secret = await addManagedSecret({ dataDir: world.dataDir, provider: "github", value: token, label: "stale" });
    const { grantId } = await issueGrant({ dataDir: world.dataDir, secretId: secret.id, principal: "system" });
    const st = world.standins.github!;
    for (const mode of ["retrieve", "proxy"] as const) {
      const from = st.requests.length;
      const err = await CASES.github.call(mode, grantId, { runId: "r", threadId: "t", toolCallId: "c", reason: "stale token" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderAPIError);
      expect((err as ProviderAPIError).status).toBe(401);
      expect(st.requests.slice(from).map((r) => r.status)).toEqual(mode === "retrieve" ? [401, 401] : [401]);
    }
  });
});

describe("audit URLs are redacted", () => {
  it.each(["retrieve", "proxy"] as const)("secret-looking query values never reach the audit row (Slack oauth.v2.access, %s)", async (mode) => {
    const st = world.standins.slack!;
    const clientSecret = `slack-client-secret-CANARY-${mode}`;
    const code = `oauth-code-CANARY-${mode}`;
    world.canaries.push(clientSecret, code);
    const from = st.requests.length;
    const slack = createSlackClient(app, { baseUrl: st.url, mode });
    const { rows } = await auditDuring(world, () => slack.oauth.v2Access(grants["slack:managed"]!, { client_id: "123.456", client_secret: clientSecret, code }, { reason: "redaction" }));
    // The provider got the real values; the audit row only their names.
    expect(st.requests[from]!.query).toMatchObject({ client_id: "123.456", client_secret: clientSecret, code });
    const [row] = callRows(rows);
    const url = new URL(row!.url!);
    expect(url.pathname).toBe(new URL(st.url).pathname + "/oauth.v2.access");
    expect(url.searchParams.get("client_id")).toBe("123.456");
    expect(url.searchParams.get("client_secret")).toBe("REDACTED");
    expect(url.searchParams.get("code")).toBe("REDACTED");
  });
});

describe("secrets", () => {
  it("no token, client secret or API key secret in the audit log, the logs or the data folder", async () => {
    expect(world.logs.length).toBeGreaterThan(0);
    expect(await world.findSecrets()).toEqual([]);
  });
});
