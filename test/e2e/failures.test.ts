// What goes wrong on the way, end to end through the generated clients: a 429 with Retry-After
// then success, an expired OAuth token refreshed after a 401 (the IDP is the provider's OAuth
// server, with 40-second access tokens), a revoked grant, a policy denial, and an approval-gated
// proxy call that waits for a person (Chromium on the vault's approval page, or the admin
// function) and then returns its result. Audit rows and secrets are checked along the way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApprovalRequiredError,
  GrantRevokedError,
  PolicyViolationError,
  ProviderAPIError,
  type AlterVault,
} from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { createSlackClient } from "alter-gen/generated/slack";
import { createStripeClient } from "alter-gen/generated/stripe";
import { approve, listApprovals, revokeGrant } from "../support/vault-admin.js";
import { tooManyRequests } from "../../standins/index.js";
import { auditDuring, callRows, startE2E, type E2E } from "../support/e2e.js";

let world: E2E;
/** Every error the calls raised, scanned for secrets at the end. */
const errors: unknown[] = [];
const keep = (e: unknown) => (errors.push(e), e);
let app: AlterVault;

beforeAll(async () => {
  world = await startE2E({ providers: ["github", "slack", "stripe"], idp: { accessTokenTtl: 40 } });
  // Retries on, with short backoff bounds so a 1-second Retry-After is honoured as given.
  app = world.client({ caller: "e2e-failures", callerType: "agent", retry: { maxRetries: 2 } });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

const gh = (mode: "retrieve" | "proxy" = "retrieve", v: AlterVault = app) => createGithubClient(v, { baseUrl: world.standins.github!.url, mode });

describe("429 with Retry-After", () => {
  it.each(["retrieve", "proxy"] as const)("GitHub: waits as told, retries once, returns the result (%s)", async (mode) => {
    const grant = await world.managedGrant("github", `ghp_E2Eretry${mode}CANARY01`);
    const st = world.standins.github!;
    st.script("repos/get", tooManyRequests(1, { message: "API rate limit exceeded" }));
    const from = st.requests.length;
    const { result, rows } = await auditDuring(world, () => gh(mode).repos.get(grant, { owner: "o", repo: "r" }, { runId: `run-429-${mode}` }));
    expect(typeof result.id).toBe("number");
    expect(st.requests.slice(from).map((r) => r.status)).toEqual([429, 200]);
    // Retrieve mode: the retry reuses the credential of the call, one retrieval and one audit row.
    // Proxy mode: each attempt is a provider call made by the vault, audited with its answer.
    const calls = callRows(rows);
    if (mode === "retrieve") expect(calls.map((r) => r.runId)).toEqual([`run-429-${mode}`]);
    if (mode === "proxy") expect(calls.map((r) => [r.runId, r.status])).toEqual([[`run-429-${mode}`, 429], [`run-429-${mode}`, 200]]);
  });

  it("Slack (no quota headers, only Retry-After): the same", async () => {
    const grant = await world.managedGrant("slack", "xoxb-E2Eretry-CANARY-0001");
    const st = world.standins.slack!;
    st.script("conversations_list", tooManyRequests(1, { ok: false, error: "ratelimited" }));
    const from = st.requests.length;
    const slack = createSlackClient(app, { baseUrl: st.url });
    const res = await slack.conversations.list(grant, { limit: 5 });
    expect(res).toBeTypeOf("object");
    expect(st.requests.slice(from).map((r) => r.status)).toEqual([429, 200]);
  });
});

describe("refresh after 401", () => {
  it("an access token the provider calls expired is refreshed at the OAuth server, and the call succeeds", async () => {
    const refreshes = () => world.idp.tokenRequests("refresh_token").length;
    // The token is far from expiry: only the runtime's report that the provider refused it
    // (its fingerprint, docs/protocol.md) makes the vault refresh it.
    const aging = world.client({ caller: "e2e-refresh", retry: false });
    world.setClockOffset(0);
    const grant = await world.connect(aging, "github", "alice");
    const st = world.standins.github!;
    const client = gh("retrieve", aging);
    let from = st.requests.length;
    await client.repos.get(grant.grantId, { owner: "o", repo: "r" });
    const first = st.requests[from]!.headers.authorization!;
    st.expireCredential(first.replace(/^Bearer /, ""));

    const before = refreshes();
    from = st.requests.length;
    try {
      const { result, rows } = await auditDuring(world, () => client.repos.get(grant.grantId, { owner: "o", repo: "r" }, { reason: "after expiry" }));
      expect(typeof result.id).toBe("number");
      const seen = st.requests.slice(from);
      expect(seen.map((r) => r.status)).toEqual([401, 200]);
      expect(seen[0]!.headers.authorization).toBe(first);
      expect(seen[1]!.headers.authorization).not.toBe(first);
      expect(refreshes()).toBe(before + 1);
      expect(world.idp.tokenRequests("refresh_token").at(-1)).toMatchObject({ status: 200, outcome: "success" });
      expect(callRows(rows).map((r) => [r.action, r.grantId, r.reason])).toEqual([
        ["credential.retrieve", grant.grantId, "after expiry"],
        ["credential.retrieve", grant.grantId, "after expiry"],
      ]);
    } finally {
      world.setClockOffset(0);
    }
  });
});

describe("errors answered with a 2xx status", () => {
  it.each(["retrieve", "proxy"] as const)("Slack's HTTP 200 with ok: false is a ProviderAPIError carrying Slack's error (%s)", async (mode) => {
    const grant = await world.managedGrant("slack", `xoxb-E2Eokfalse-${mode}-CANARY`);
    const st = world.standins.slack!;
    st.script("chat_postMessage", { status: 200, body: { ok: false, error: "channel_not_found" } });
    const slack = createSlackClient(app, { baseUrl: st.url, mode });
    const err = await slack.chat.postMessage(grant, { body: { channel: "C404", text: "hello" } }).catch(keep);
    expect(err).toBeInstanceOf(ProviderAPIError);
    expect(slack.chat.postMessage.isError(err)).toBe(true);
    const e = err as ProviderAPIError<{ ok: boolean; error?: string }>;
    expect([e.status, e.body.ok, e.body.error]).toEqual([200, false, "channel_not_found"]);
    expect(e.message).toContain("channel_not_found");
    // The same operation answering ok: true is data.
    const sent = await slack.chat.postMessage(grant, { body: { channel: "C1", text: "hello" } });
    expect(sent.ok).toBe(true);
  });
});

describe("grant state and policy", () => {
  it.each(["retrieve", "proxy"] as const)("a revoked grant gives GrantRevokedError and reaches no provider (%s)", async (mode) => {
    const grant = await world.managedGrant("stripe", `sk_test_E2Erevoked${mode}CANARY`);
    await revokeGrant({ dataDir: world.dataDir, grantId: grant, reason: "offboarding" });
    const st = world.standins.stripe!;
    const from = st.requests.length;
    const stripe = createStripeClient(app, { baseUrl: st.url, mode });
    const { result: err, rows } = await auditDuring(world, () => stripe.customers.retrieve(grant, { customer: "cus_1" }).catch(keep));
    expect(err).toBeInstanceOf(GrantRevokedError);
    expect(st.requests.length).toBe(from);
    expect(callRows(rows)).toEqual([expect.objectContaining({ grantId: grant, outcome: "denied", errorCode: "grant_revoked", operationId: "GetCustomersCustomer" })]);
  });

  it.each(["retrieve", "proxy"] as const)("a policy denial (IP allowlist without loopback) gives PolicyViolationError (%s)", async (mode) => {
    const grant = await world.managedGrant("github", `ghp_E2Epolicy${mode}CANARY01`, { policy: { ipAllowlist: ["10.0.0.0/8"] } });
    const st = world.standins.github!;
    const from = st.requests.length;
    const { result: err, rows } = await auditDuring(world, () => gh(mode).repos.get(grant, { owner: "o", repo: "r" }, { reason: "policy check" }).catch(keep));
    expect(err).toBeInstanceOf(PolicyViolationError);
    expect(st.requests.length).toBe(from);
    expect(callRows(rows)).toEqual([expect.objectContaining({ grantId: grant, outcome: "denied", errorCode: "policy_violation", reason: "policy check" })]);
  });
});

describe("approval-gated proxy calls", () => {
  it("waits for a person to approve on the vault's page (Chromium), then returns the call's result", async () => {
    const grant = await world.managedGrant("github", "ghp_E2EapprovalCANARY0001", { policy: { requireApproval: true } });
    const st = world.standins.github!;
    const answer = { ...(st.validator.responseFor(st.operation("repos/get")).body as object), full_name: "o/approved-in-browser" };
    st.script("repos/get", { status: 200, body: answer });
    const from = st.requests.length;
    const err = await gh("proxy").repos.get(grant, { owner: "o", repo: "r" }, { toolCallId: "tc-approve-1" }).catch(keep);
    expect(err).toBeInstanceOf(ApprovalRequiredError);
    const { approvalId, approvalUrl } = err as ApprovalRequiredError;
    // The agent is told where to watch, not handed the means to approve itself.
    expect(approvalUrl).not.toContain("token=");
    expect(st.requests.length).toBe(from);

    const waiting = app.awaitApproval(approvalId, { timeoutMs: 30_000, pollIntervalMs: 100 });
    await world.decideInBrowser(approvalId, "approve");
    expect(await waiting).toEqual(answer);
    expect(st.requests.slice(from).map((r) => r.headers.authorization)).toEqual(["Bearer ghp_E2EapprovalCANARY0001"]);
    const rows = (await world.audit()).filter((r) => r.grantId === grant);
    // Issued (admin), asked, approved, and the one execution of the call.
    expect(rows.map((r) => r.action)).toEqual(["admin", "approval.create", "approval.approve", "proxy.call"]);
    expect(rows[1]).toMatchObject({ toolCallId: "tc-approve-1", operationId: "repos/get", caller: "e2e-failures" });
    expect(rows[3]).toMatchObject({ toolCallId: "tc-approve-1", operationId: "repos/get", method: "GET", status: 200, outcome: "success" });
  });

  it("approved with the admin function (the CLI's `vault approvals approve`), the waiting call returns", async () => {
    const grant = await world.managedGrant("slack", "xoxb-E2Eapproval-CANARY-02", { policy: { requireApproval: true } });
    const st = world.standins.slack!;
    const slack = createSlackClient(app, { baseUrl: st.url, mode: "proxy" });
    const err = (await slack.chat.postMessage(grant, { body: { channel: "C9", text: "needs a yes" } }).catch(keep)) as ApprovalRequiredError;
    expect(err).toBeInstanceOf(ApprovalRequiredError);
    const from = st.requests.length;
    const waiting = app.awaitApproval<{ ok: boolean }>(err.approvalId, { timeoutMs: 30_000, pollIntervalMs: 100 });
    const pending = await listApprovals({ dataDir: world.dataDir, status: "pending" });
    expect(pending.map((a) => a.id)).toContain(err.approvalId);
    await approve({ dataDir: world.dataDir, approvalId: err.approvalId, by: "ops@example.test" });
    const result = await waiting;
    expect(result).toBeTypeOf("object");
    const ran = st.requests.slice(from);
    expect(ran).toHaveLength(1);
    expect(new URLSearchParams(ran[0]!.rawBody).get("text")).toBe("needs a yes");
    expect(ran[0]!.headers.authorization).toBe("Bearer xoxb-E2Eapproval-CANARY-02");
  });
});

describe("secrets", () => {
  it("no token or secret in the audit log, the logs or the data folder", async () => {
    expect(errors.length).toBeGreaterThan(0);
    expect(await world.findSecrets(errors)).toEqual([]);
  });
});
