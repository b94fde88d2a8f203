// Who may call what, as one table: route × API key scope × with/without an end user's token ×
// the principal the request is about → allowed, or refused with the SDK error class the caller
// sees. Runs against a real vault over loopback with real IDP tokens (oidc-provider), through the
// SDK's signed transport. docs/protocol.md's route table says the same; protocol-routes.test.ts
// checks that table against the code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, createApiKey, issueGrant } from "../support/vault-admin.js";
import { VaultTransport } from "../../runtime/internal/transport.js";
import {
  ApprovalRequiredError,
  BackendError,
  GrantNotFoundError,
  InsufficientScopeError,
  type AlterSDKError,
} from "../../runtime/errors.js";
import { startPeers, type Peers } from "./identity/harness.js";

type KeyName = "service" | "agent" | "provision" | "manage";
type UserName = "alice" | "bob" | null;

let peers: Peers;
const keys = {} as Record<KeyName, VaultTransport>;
const tokens = {} as Record<"alice" | "bob", string>;
let secretId: string;
let gatedSystemGrant: string;
let systemGrant: string;
let aliceGrant: string;
let approvalOfAlice: string;
let approvalOfApp: string;
let sessionOfAlice: string;
let signIn: string;

beforeAll(async () => {
  peers = await startPeers();
  tokens.alice = await peers.userToken("alice");
  tokens.bob = await peers.userToken("bob");
  const made = {
    agent: await createApiKey({ dataDir: peers.dataDir, kind: "agent", label: "agent default" }),
    provision: await createApiKey({ dataDir: peers.dataDir, scopes: "provision", label: "provision only" }),
    manage: await createApiKey({ dataDir: peers.dataDir, scopes: ["manage"], label: "manage only" }),
  };
  expect(made.agent.scopes).toEqual(["call"]);
  keys.service = peers.transport;
  for (const k of ["agent", "provision", "manage"] as const) keys[k] = new VaultTransport({ baseUrl: peers.vault.url, apiKey: made[k].apiKey });

  secretId = (await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: "ghp_MATRIX_CANARY", label: "team-bot" })).id;
  systemGrant = (await issueGrant({ dataDir: peers.dataDir, secretId, principal: "system" })).grantId;
  gatedSystemGrant = (await issueGrant({ dataDir: peers.dataDir, secretId, principal: "system", policy: { requireApproval: true } })).grantId;
  aliceGrant = (await issueGrant({ dataDir: peers.dataDir, secretId, principal: "user:alice" })).grantId;
  approvalOfAlice = await raiseApproval("alice");
  approvalOfApp = await raiseApproval(null);
  sessionOfAlice = (
    await peers.transport.request<{ sessionId: string }>("POST", "/v1/connect/sessions", { body: { providers: ["github"] }, userToken: tokens.alice })
  ).data.sessionId;
  signIn = (await peers.transport.request<{ sessionId: string }>("POST", "/v1/auth/sessions", { body: {} })).data.sessionId;
});
afterAll(async () => {
  for (const k of ["agent", "provision", "manage"] as const) await keys[k]?.close();
  await peers?.close();
});

const proxyBody = (grantId: string) => ({
  grant: { grantId },
  provider: "github",
  request: { method: "POST", url: "https://api.github.com/repos/o/r/issues", headers: {}, body: null },
});

async function raiseApproval(user: UserName): Promise<string> {
  const e = await peers.transport
    .request("POST", "/v1/proxy", { body: proxyBody(gatedSystemGrant), ...(user ? { userToken: tokens[user] } : {}) })
    .then(() => null, (err: unknown) => err);
  if (!(e instanceof ApprovalRequiredError)) throw new Error(`expected an approval, got ${String(e)}`);
  return e.approvalId;
}

/** A user grant issued over the API, for the revoke rows (each revokes its own fresh grant). */
async function freshUserGrant(user: "alice" | "bob"): Promise<string> {
  return (await issueGrant({ dataDir: peers.dataDir, secretId, principal: `user:${user}` })).grantId;
}

interface Row {
  route: string;
  key: KeyName;
  user: UserName;
  /** What the request is about, in words (the principal it names or owns). */
  about: string;
  send(t: VaultTransport, userToken: string | undefined): Promise<unknown>;
  /** "allowed", or the error class (and code) the SDK throws. */
  expect: "allowed" | { error: new (...a: never[]) => AlterSDKError; code?: string };
}

type Role = "system" | "gated" | "alice";
// Grants are named by role and looked up when the row runs (beforeAll has made them by then).
const grantFor = (role: Role) => (role === "system" ? systemGrant : role === "gated" ? gatedSystemGrant : aliceGrant);
const retrieve = (role: Role) => (t: VaultTransport, userToken?: string) =>
  t.request("POST", "/v1/credentials/retrieve", {
    body: { grant: { grantId: grantFor(role) }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" } },
    userToken,
  });
const hops = (role: Role) => (t: VaultTransport, userToken?: string) =>
  t.request("POST", "/v1/credentials/hops", {
    body: { grant: { grantId: grantFor(role) }, provider: "github", request: { method: "GET", url: "https://api.github.com/user", redirects: [{ status: 302, host: "codeload.github.com" }] } },
    userToken,
  });
const proxy = (role: Role) => (t: VaultTransport, userToken?: string) => t.request("POST", "/v1/proxy", { body: proxyBody(grantFor(role)), userToken });
const approval = (id: () => string) => (t: VaultTransport, userToken?: string) => t.request("GET", `/v1/approvals/${id()}`, { userToken });
const issue = (principal: (() => Record<string, unknown>) | Record<string, unknown>) => (t: VaultTransport, userToken?: string) =>
  t.request("POST", "/v1/grants", { body: { managedSecretId: secretId, principal: typeof principal === "function" ? principal() : principal }, userToken });
const list = (t: VaultTransport, userToken?: string) => t.request("GET", "/v1/grants", { userToken });
const revoke = (owner: "alice" | "bob" | "system") => async (t: VaultTransport, userToken?: string) => {
  const id = owner === "system" ? (await issueGrant({ dataDir: peers.dataDir, secretId, principal: "system" })).grantId : await freshUserGrant(owner);
  return t.request("POST", `/v1/grants/${id}/revoke`, { body: { reason: "matrix" }, userToken });
};
const connectCreate = (t: VaultTransport, userToken?: string) => t.request("POST", "/v1/connect/sessions", { body: { providers: ["github"] }, userToken });
const connectStatus = (t: VaultTransport, userToken?: string) => t.request("GET", `/v1/connect/sessions/${sessionOfAlice}`, { userToken });
const authCreate = (t: VaultTransport, userToken?: string) => t.request("POST", "/v1/auth/sessions", { body: {}, userToken });
const authStatus = (t: VaultTransport, userToken?: string) => t.request("GET", `/v1/auth/sessions/${signIn}`, { userToken });

const scope = { error: InsufficientScopeError, code: "insufficient_scope" } as const;
const notFound = { error: BackendError, code: "not_found" } as const;
const approvalAsked = { error: ApprovalRequiredError, code: "approval_required" } as const;

const ROWS: Row[] = [
  // POST /v1/credentials/retrieve: call
  { route: "POST /v1/credentials/retrieve", key: "service", user: null, about: "system grant", send: retrieve("system"), expect: "allowed" },
  { route: "POST /v1/credentials/retrieve", key: "agent", user: null, about: "system grant", send: retrieve("system"), expect: "allowed" },
  { route: "POST /v1/credentials/retrieve", key: "provision", user: null, about: "system grant", send: retrieve("system"), expect: scope },
  { route: "POST /v1/credentials/retrieve", key: "manage", user: null, about: "system grant", send: retrieve("system"), expect: scope },
  { route: "POST /v1/credentials/retrieve", key: "agent", user: "bob", about: "alice's grant", send: retrieve("alice"), expect: { error: GrantNotFoundError } },
  { route: "POST /v1/credentials/retrieve", key: "agent", user: "alice", about: "alice's grant", send: retrieve("alice"), expect: "allowed" },
  // POST /v1/credentials/hops: call, authorized as a retrieval of the grant
  { route: "POST /v1/credentials/hops", key: "agent", user: null, about: "system grant", send: hops("system"), expect: "allowed" },
  { route: "POST /v1/credentials/hops", key: "provision", user: null, about: "system grant", send: hops("system"), expect: scope },
  { route: "POST /v1/credentials/hops", key: "agent", user: "bob", about: "alice's grant", send: hops("alice"), expect: { error: GrantNotFoundError } },
  // POST /v1/proxy: call (a gated grant answers approval_required: the scope check passed)
  { route: "POST /v1/proxy", key: "agent", user: null, about: "gated system grant", send: proxy("gated"), expect: approvalAsked },
  { route: "POST /v1/proxy", key: "provision", user: null, about: "gated system grant", send: proxy("gated"), expect: scope },
  { route: "POST /v1/proxy", key: "manage", user: "alice", about: "gated system grant", send: proxy("gated"), expect: scope },
  // GET /v1/approvals/{id}: call, and only the principal that asked
  { route: "GET /v1/approvals/{id}", key: "agent", user: "alice", about: "alice's approval", send: approval(() => approvalOfAlice), expect: "allowed" },
  { route: "GET /v1/approvals/{id}", key: "service", user: "bob", about: "alice's approval", send: approval(() => approvalOfAlice), expect: notFound },
  { route: "GET /v1/approvals/{id}", key: "service", user: null, about: "alice's approval", send: approval(() => approvalOfAlice), expect: notFound },
  { route: "GET /v1/approvals/{id}", key: "agent", user: null, about: "the app's approval", send: approval(() => approvalOfApp), expect: "allowed" },
  { route: "GET /v1/approvals/{id}", key: "service", user: "alice", about: "the app's approval", send: approval(() => approvalOfApp), expect: notFound },
  { route: "GET /v1/approvals/{id}", key: "provision", user: "alice", about: "alice's approval", send: approval(() => approvalOfAlice), expect: scope },
  { route: "GET /v1/approvals/{id}", key: "manage", user: null, about: "the app's approval", send: approval(() => approvalOfApp), expect: scope },
  // POST /v1/grants: provision; with a user token, only a user grant for that same user
  { route: "POST /v1/grants", key: "service", user: null, about: "system principal", send: issue({ type: "system" }), expect: "allowed" },
  { route: "POST /v1/grants", key: "provision", user: null, about: "group principal", send: issue({ type: "group", groupId: "ops" }), expect: "allowed" },
  { route: "POST /v1/grants", key: "provision", user: null, about: "bob (body token)", send: issue(() => ({ type: "user", label: "Bob", userToken: tokens.bob })), expect: "allowed" },
  { route: "POST /v1/grants", key: "agent", user: null, about: "system principal", send: issue({ type: "system" }), expect: scope },
  { route: "POST /v1/grants", key: "manage", user: null, about: "system principal", send: issue({ type: "system" }), expect: scope },
  { route: "POST /v1/grants", key: "agent", user: "alice", about: "alice herself", send: issue({ type: "user" }), expect: scope },
  { route: "POST /v1/grants", key: "service", user: "alice", about: "alice herself (no body token)", send: issue({ type: "user" }), expect: "allowed" },
  { route: "POST /v1/grants", key: "provision", user: "alice", about: "alice herself (body token)", send: issue(() => ({ type: "user", userToken: tokens.alice })), expect: "allowed" },
  { route: "POST /v1/grants", key: "service", user: "alice", about: "bob (body token)", send: issue(() => ({ type: "user", userToken: tokens.bob })), expect: scope },
  { route: "POST /v1/grants", key: "service", user: "alice", about: "group eng (her own group)", send: issue({ type: "group", groupId: "eng" }), expect: scope },
  { route: "POST /v1/grants", key: "service", user: "alice", about: "system principal", send: issue({ type: "system" }), expect: scope },
  // GET /v1/grants and POST /v1/grants/{id}/revoke: manage; with a user token, the user's own
  { route: "GET /v1/grants", key: "manage", user: null, about: "every grant", send: list, expect: "allowed" },
  { route: "GET /v1/grants", key: "manage", user: "bob", about: "bob's grants", send: list, expect: "allowed" },
  { route: "GET /v1/grants", key: "agent", user: null, about: "every grant", send: list, expect: scope },
  { route: "GET /v1/grants", key: "provision", user: "alice", about: "alice's grants", send: list, expect: scope },
  { route: "POST /v1/grants/{id}/revoke", key: "manage", user: null, about: "a system grant", send: revoke("system"), expect: "allowed" },
  { route: "POST /v1/grants/{id}/revoke", key: "service", user: "alice", about: "alice's grant", send: revoke("alice"), expect: "allowed" },
  { route: "POST /v1/grants/{id}/revoke", key: "service", user: "bob", about: "alice's grant", send: revoke("alice"), expect: { error: GrantNotFoundError } },
  { route: "POST /v1/grants/{id}/revoke", key: "service", user: "alice", about: "a system grant", send: revoke("system"), expect: { error: GrantNotFoundError } },
  { route: "POST /v1/grants/{id}/revoke", key: "agent", user: "alice", about: "alice's grant", send: revoke("alice"), expect: scope },
  { route: "POST /v1/grants/{id}/revoke", key: "provision", user: null, about: "a system grant", send: revoke("system"), expect: scope },
  // Connect sessions: provision; with a user token, only that user's sessions
  { route: "POST /v1/connect/sessions", key: "provision", user: null, about: "system grants", send: connectCreate, expect: "allowed" },
  { route: "POST /v1/connect/sessions", key: "service", user: "bob", about: "bob's grants", send: connectCreate, expect: "allowed" },
  { route: "POST /v1/connect/sessions", key: "agent", user: null, about: "system grants", send: connectCreate, expect: scope },
  { route: "POST /v1/connect/sessions", key: "manage", user: "bob", about: "bob's grants", send: connectCreate, expect: scope },
  { route: "GET /v1/connect/sessions/{id}", key: "provision", user: "alice", about: "alice's session", send: connectStatus, expect: "allowed" },
  { route: "GET /v1/connect/sessions/{id}", key: "provision", user: null, about: "alice's session", send: connectStatus, expect: "allowed" },
  { route: "GET /v1/connect/sessions/{id}", key: "service", user: "bob", about: "alice's session", send: connectStatus, expect: notFound },
  { route: "GET /v1/connect/sessions/{id}", key: "agent", user: "alice", about: "alice's session", send: connectStatus, expect: scope },
  // Sign-in sessions: call
  { route: "POST /v1/auth/sessions", key: "agent", user: null, about: "a sign-in", send: authCreate, expect: "allowed" },
  { route: "POST /v1/auth/sessions", key: "manage", user: null, about: "a sign-in", send: authCreate, expect: scope },
  { route: "GET /v1/auth/sessions/{id}", key: "agent", user: null, about: "a sign-in", send: authStatus, expect: "allowed" },
  { route: "GET /v1/auth/sessions/{id}", key: "provision", user: null, about: "a sign-in", send: authStatus, expect: scope },
];

describe("authorization matrix", () => {
  for (const row of ROWS) {
    const outcome = row.expect === "allowed" ? "allowed" : `${row.expect.error.name}${row.expect.code ? ` (${row.expect.code})` : ""}`;
    it(`${row.route} · key ${row.key} · ${row.user ? `as ${row.user}` : "no user token"} · ${row.about} → ${outcome}`, async () => {
      const result = await row.send(keys[row.key], row.user ? tokens[row.user] : undefined).then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      if (row.expect === "allowed") {
        if (!result.ok) throw result.e;
        return;
      }
      expect(result.ok).toBe(false);
      const e = (result as { e: AlterSDKError }).e;
      expect(e).toBeInstanceOf(row.expect.error);
      if (row.expect.code) expect(e.code).toBe(row.expect.code);
      if (row.expect === scope) expect(e.message).toMatch(/lacks the "\w+" scope|only issues a grant to that (same )?user/);
    });
  }

  it("the table covers every signed route", async () => {
    const { allRoutes } = await import("../../vault/http/routes/index.js");
    const signed = allRoutes()
      .filter((r) => r.auth === "signed")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const covered = new Set(ROWS.map((r) => r.route));
    expect(signed.filter((r) => !covered.has(r))).toEqual([]);
    // Every signed route has a row where a key without its scope is refused.
    expect(signed.filter((r) => !ROWS.some((row) => row.route === r && row.expect === scope))).toEqual([]);
  });
});
