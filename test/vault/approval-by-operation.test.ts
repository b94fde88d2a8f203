// Approval by operation through the running vault: a grant whose policy gates writes lets reads
// through, holds a write for a person's yes, and refuses a call whose operation label does not fit
// its method and path (the vault checks the label against GitHub's document), an unknown operation
// and a call that names none. The grant never hands its credential out in retrieve mode. The
// provider is the GitHub stand-in, which validates every request against the same document.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, approve, issueGrant, readAudit, setGrantPolicy, setProviderConfig, showApproval } from "../support/vault-admin.js";
import type { GrantPolicy } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { call, startTestVault, type TestVault } from "./helpers.js";

const TOKEN = "ghp_OPGATE_CANARY_5a6b7c8d9e";
let v: TestVault;
let github: Standin;
beforeAll(async () => {
  [github, v] = await Promise.all([startProviderStandin("github", { credential: TOKEN }), startTestVault()]);
  await setProviderConfig({ dataDir: v.dataDir, provider: "github", baseUrl: github.url });
});
afterAll(async () => {
  await v?.close();
  await github?.close();
});

async function grantWith(policy: GrantPolicy, floor?: GrantPolicy): Promise<string> {
  const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: TOKEN, ...(floor ? { policyFloor: floor } : {}) });
  return (await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system", policy })).grantId;
}

interface Ask {
  operationId?: string;
  method: string;
  path: string;
  body?: unknown;
}

function proxy(grantId: string, ask: Ask) {
  return call(v, "POST", "/v1/proxy", {
    grant: { grantId },
    provider: "github",
    request: {
      ...(ask.operationId ? { operationId: ask.operationId } : {}),
      method: ask.method,
      url: `${github.url}${ask.path}`,
      headers: ask.body ? { "content-type": "application/json" } : {},
      ...(ask.body ? { body: Buffer.from(JSON.stringify(ask.body)).toString("base64") } : {}),
    },
  });
}

const LIST: Ask = { operationId: "issues/list-for-repo", method: "GET", path: "/repos/acme/billing/issues" };
const CREATE: Ask = { operationId: "issues/create", method: "POST", path: "/repos/acme/billing/issues", body: { title: "Refund" } };
const REMOVE_LABEL: Ask = { operationId: "issues/remove-label", method: "DELETE", path: "/repos/acme/billing/issues/7/labels/bug" };

type Want = { ran: true } | { approval: string[] } | { refused: string; reason?: string };

// [name, policy, call, what happens]
const ROWS: [string, GrantPolicy, Ask, Want][] = [
  ["class write: a read runs", { requireApprovalFor: { classes: ["write"] } }, LIST, { ran: true }],
  ["class write: a write waits", { requireApprovalFor: { classes: ["write"] } }, CREATE, { approval: ["grant: class write"] }],
  ["class destructive: a create runs", { requireApprovalFor: { classes: ["destructive"] } }, CREATE, { ran: true }],
  ["class destructive: a DELETE waits", { requireApprovalFor: { classes: ["destructive"] } }, REMOVE_LABEL, { approval: ["grant: class destructive"] }],
  ["methods DELETE: a POST runs", { requireApprovalFor: { methods: ["DELETE"] } }, CREATE, { ran: true }],
  ["operations issues/create*: matches", { requireApprovalFor: { operations: ["issues/create*"] } }, CREATE, { approval: ["grant: operation issues/create*"] }],
  ["operations *label*: a create runs", { requireApprovalFor: { operations: ["*label*"] } }, CREATE, { ran: true }],
  [
    "a POST labelled as the list operation (same path) is refused",
    { requireApprovalFor: { classes: ["write"] } },
    { ...CREATE, operationId: "issues/list-for-repo" },
    { refused: "operation_mismatch", reason: "method" },
  ],
  [
    "an operation whose path does not match the request's is refused",
    { requireApprovalFor: { classes: ["write"] } },
    { ...LIST, operationId: "pulls/list", path: "/repos/acme/billing/issues" },
    { refused: "operation_mismatch", reason: "path" },
  ],
  ["an unknown operation id is refused", { requireApprovalFor: { classes: ["write"] } }, { ...LIST, operationId: "issues/list-everything" }, { refused: "operation_mismatch", reason: "unknown" }],
  ["a call naming no operation is refused", { requireApprovalFor: { methods: ["POST"] } }, { method: "GET", path: LIST.path }, { refused: "operation_mismatch", reason: "missing" }],
  ["no gate: an unknown operation id still runs (nothing to check it for)", {}, { ...LIST, operationId: "issues/list-everything" }, { ran: true }],
];

describe("approval by operation", () => {
  it.each(ROWS)("%s", async (_name, policy, ask, want) => {
    const grantId = await grantWith(policy);
    const before = github.requests.length;
    const res = await proxy(grantId, ask);
    if ("ran" in want) {
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(github.requests.length).toBe(before + 1);
    } else if ("approval" in want) {
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("approval_required");
      expect(res.json.error.details.approvalId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json.error.details.askedFor).toEqual(want.approval);
      expect(github.requests.length).toBe(before);
    } else {
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe(want.refused);
      expect(res.json.error.details).toMatchObject({ policy: "requireApprovalFor", reason: want.reason });
      expect(github.requests.length).toBe(before);
      const rows = await readAudit({ dataDir: v.dataDir, grantId });
      expect(rows.at(-1)).toMatchObject({ action: "proxy.call", outcome: "denied", errorCode: "operation_mismatch" });
    }
  });

  it("a gated write runs once approved; the approval names the verified operation", async () => {
    const grantId = await grantWith({ requireApprovalFor: { classes: ["write"] } });
    const res = await proxy(grantId, CREATE);
    const approvalId = res.json.error.details.approvalId as string;
    const shown = await showApproval({ dataDir: v.dataDir, approvalId });
    expect(shown.review).toMatchObject({ operationId: "issues/create", method: "POST", askedBy: ["grant"], askedFor: ["grant: class write"] });
    const before = github.requests.length;
    const done = await approve({ dataDir: v.dataDir, approvalId, by: "dana" });
    expect(done.status).toBe("executed");
    expect(github.requests.length).toBe(before + 1);
    expect(github.requests.at(-1)).toMatchObject({ method: "POST" });
  });

  it("the secret's floor gates writes of a grant with no policy of its own; askedFor names the floor", async () => {
    const grantId = await grantWith({}, { requireApprovalFor: { methods: ["POST"] } });
    const res = await proxy(grantId, CREATE);
    expect(res.json.error.code).toBe("approval_required");
    expect(res.json.error.details.askedFor).toEqual(["floor: method POST"]);
    expect((await proxy(grantId, LIST)).status).toBe(200);
  });

  it("retrieve mode is refused for every operation, reads included: a retrieved token could make any call", async () => {
    const grantId = await grantWith({ requireApprovalFor: { classes: ["destructive"] } });
    const res = await call(v, "POST", "/v1/credentials/retrieve", {
      grant: { grantId },
      provider: "github",
      request: { operationId: LIST.operationId, method: "GET", url: `${github.url}${LIST.path}` },
    });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: "policy_violation", details: { policy: "requireApprovalFor", source: "grant" } });
    expect(res.json.error.message).toMatch(/proxy mode/);
    expect(JSON.stringify(res.json)).not.toContain(TOKEN);
  });

  it("grants policy replaces a grant's policy: the same write runs before and waits after", async () => {
    const grantId = await grantWith({});
    expect((await proxy(grantId, CREATE)).status).toBe(200);
    const g = await setGrantPolicy({ dataDir: v.dataDir, grantId, policy: { requireApprovalFor: { classes: ["write"] } } });
    expect(g.policy).toEqual({ requireApprovalFor: { classes: ["write"] } });
    expect((await proxy(grantId, CREATE)).json.error.code).toBe("approval_required");
  });
});
