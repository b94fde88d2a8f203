// An admin change and its audit row commit together: when the row cannot be written, the change
// is rolled back and the command fails, so no change is ever left unaudited. The audit table is
// made to refuse inserts (a trigger, on either engine: test/support/vault-db.ts) after the
// fixtures exist; each command that changes state must then fail and leave every table it could
// have changed as it was. One row per command; a new admin command that changes state gets one.
// (`vault rotate-master-key` is not here: its row follows a resumable run of many transactions,
// see docs/architecture.md; `vault init` is storage.test.ts's.)
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addManagedSecret,
  approve,
  approverLink,
  clearApprovalWebhook,
  createApiKey,
  deny,
  deprecateApiKey,
  initVault,
  issueGrant,
  readAudit,
  removeIdp,
  removeUser,
  revokeApiKey,
  revokeGrant,
  revokeOrphanedGrants,
  setApiKeyScopesOf,
  setApprovalWebhook,
  setGrantPolicy,
  setIdp,
  setOAuthEndpoints,
  setProviderConfig,
  setSecretPolicy,
  withVault,
} from "../support/vault-admin.js";
import { openTestDb, refuseAuditInserts } from "../support/vault-db.js";
import { engineOptions } from "../support/vault-engine.js";
import { startIdp, type TestIdp } from "../support/idp.js";
import { tempDir } from "./helpers.js";
import { setSpecOAuth, setSpecOperations } from "../../vault/admin/provider-from-spec.js";
import { createApproval } from "../../vault/approvals/store.js";

const tmp = tempDir("alter-admin-atomic-");
const dataDir = join(tmp.dir, "data");
let idp: TestIdp;
const f = { secretId: "", grantId: "", userGrantId: "", orphanId: "", keyId: "", approvalId: "" };

/** Every table an admin command may change, ordered: what "changes nothing" compares. */
const TABLES = [
  "api_keys",
  "managed_secrets",
  "grants",
  "providers",
  "provider_operations",
  "oauth_endpoints",
  "idp_configs",
  "users",
  "user_groups",
  "approvals",
  "approval_webhooks",
];

async function snapshot(): Promise<Record<string, unknown[]>> {
  const db = await openTestDb(dataDir, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    // Ordered by every column's text, so both engines list rows the same way each time.
    for (const t of TABLES) out[t] = (await db.all(`SELECT * FROM ${t}`)).map((r) => JSON.stringify(r)).sort();
    return out;
  } finally {
    await db.close();
  }
}

const withUrl = <T extends object>(o: T) => ({ ...o, ...engineOptions(dataDir) });

beforeAll(async () => {
  idp = await startIdp({ users: [{ sub: "alice", groups: ["eng"] }] });
  await initVault({ dataDir, env: {} });
  await setIdp({ dataDir, issuer: idp.issuer, audience: "app" });
  f.secretId = (await addManagedSecret({ dataDir, provider: "github", value: "ghp_fixture" })).id;
  f.grantId = (await issueGrant({ dataDir, secretId: f.secretId, principal: "system" })).grantId;
  f.userGrantId = (await issueGrant({ dataDir, secretId: f.secretId, principal: "user:alice" })).grantId;
  f.orphanId = (await issueGrant({ dataDir, secretId: f.secretId, principal: "group:eng" })).grantId;
  f.keyId = (await createApiKey({ dataDir, label: "fixture" })).keyId;
  await setApprovalWebhook({ dataDir, url: "http://127.0.0.1:9/hook" });
  f.approvalId = await withVault({ dataDir }, async (s) => {
    const request = { method: "POST", url: "https://api.github.com/repos/o/r/issues", headers: {}, body: null };
    const a = await createApproval(
      s.store,
      s.crypto,
      { appId: s.app.id, grantId: f.grantId, keyId: null, provider: "github", operationId: null, request, urlRedacted: request.url, context: {}, remoteAddress: "127.0.0.1", requester: null, askedBy: ["grant"] },
      s.now(),
    );
    return a.id;
  });
  // A group grant bound to an issuer the app no longer uses: what revoke-orphaned revokes.
  const db = await openTestDb(dataDir);
  try {
    expect(await db.run("UPDATE grants SET principal_issuer = ? WHERE id = ?", "https://gone.example.test", f.orphanId)).toBe(1);
  } finally {
    await db.close();
  }
}, 60_000);

afterAll(async () => {
  await idp?.close();
  tmp.remove();
});

// [command, what it runs]: each changes something when its row can be written.
const COMMANDS: [string, () => Promise<unknown>][] = [
  ["secrets add", () => addManagedSecret({ dataDir, provider: "github", value: "ghp_other" })],
  ["secrets policy", () => setSecretPolicy({ dataDir, secretId: f.secretId, policyFloor: { maxTtlSeconds: 60 } })],
  ["grants issue", () => issueGrant({ dataDir, secretId: f.secretId, principal: "system" })],
  ["grants policy", () => setGrantPolicy({ dataDir, grantId: f.grantId, policy: { maxTtlSeconds: 3600 } })],
  ["grants revoke", () => revokeGrant({ dataDir, grantId: f.grantId })],
  ["grants revoke-orphaned", () => revokeOrphanedGrants({ dataDir })],
  ["keys create", () => createApiKey({ dataDir, label: "second" })],
  ["keys scopes", () => setApiKeyScopesOf({ dataDir, keyId: f.keyId, scopes: ["call"] })],
  ["keys deprecate", () => deprecateApiKey({ dataDir, keyId: f.keyId })],
  ["keys revoke", () => revokeApiKey({ dataDir, keyId: f.keyId })],
  ["providers set", () => setProviderConfig({ dataDir, provider: "github", baseUrl: "https://ghe.example.com/api/v3" })],
  ["providers set --from-spec (operations)", () => setSpecOperations(withUrl({ dataDir, provider: "acme", operations: [["listThings", "GET", "/things"]] }))],
  ["providers set --from-spec (OAuth endpoints)", () => setSpecOAuth(withUrl({ dataDir, provider: "acme", authorizeUrl: "https://acme.example/authorize", tokenUrl: "https://acme.example/token" }))],
  ["oauth set", () => setOAuthEndpoints({ dataDir, provider: "github", revokeUrl: "https://ghe.example.com/revoke" })],
  ["idp set", () => setIdp({ dataDir, issuer: idp.issuer, audience: ["app", "https://mcp.example.test"] })],
  ["idp remove", () => removeIdp({ dataDir })],
  ["users remove", () => removeUser({ dataDir, subject: "alice" })],
  ["approvals webhook set", () => setApprovalWebhook({ dataDir, url: "http://127.0.0.1:9/other" })],
  ["approvals webhook clear", () => clearApprovalWebhook({ dataDir })],
  ["approvals approve", () => approve({ dataDir, approvalId: f.approvalId })],
  ["approvals deny", () => deny({ dataDir, approvalId: f.approvalId })],
  // Changes nothing stored: the link is the act, and without its row it is not handed out.
  ["approvals link --approver", () => approverLink({ dataDir, approvalId: f.approvalId, approver: "Ops", baseUrl: "http://127.0.0.1:7420" })],
];

describe("an admin change whose audit row cannot be written", () => {
  it.each(COMMANDS)("%s fails and changes nothing", async (_name, run) => {
    const before = await snapshot();
    const db = await openTestDb(dataDir);
    const allow = await refuseAuditInserts(db);
    try {
      await expect(run()).rejects.toThrow(/disk full/);
    } finally {
      await allow();
      await db.close();
    }
    expect(await snapshot()).toEqual(before);
  });

  // The same commands succeed once rows can be written again, each with its row (a few of each kind).
  const again = ["secrets add", "oauth set", "approvals webhook set", "grants revoke-orphaned", "users remove", "idp remove"];
  it.each(COMMANDS.filter(([name]) => again.includes(name)))("%s succeeds, with its row, once rows can be written again", async (name, run) => {
    const before = await snapshot();
    await run();
    expect(await snapshot()).not.toEqual(before);
    const rows = await readAudit({ dataDir, action: "admin" });
    expect(rows.at(-1)!.details).toMatchObject({ command: name });
  });
});
