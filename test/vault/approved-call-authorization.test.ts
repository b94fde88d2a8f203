// An approved call is authorized again when it runs, by the same use case as the call that asked
// (vault/grants/authorize.ts), with what the approval stored: the grant id, the caller's address
// and the groups of the end user who asked (the call runs later with no user token).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, approve, issueGrant, listApprovals, readAudit, revokeGrant, setProviderConfig } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { startPeers, type Peers } from "./identity/harness.js";

const CANARY = "ghp_APPROVED_CALL_CANARY_5d1e";
let peers: Peers;
let standin: Standin;
let alice: string;
let bob: string;
let secretId: string;

beforeAll(async () => {
  peers = await startPeers();
  standin = await startProviderStandin("github", { credential: CANARY });
  await setProviderConfig({ dataDir: peers.dataDir, provider: "github", baseUrl: standin.url });
  alice = await peers.userToken("alice"); // in group eng
  bob = await peers.userToken("bob"); // in no group
  secretId = (await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: CANARY, label: "eng-bot" })).id;
});
afterAll(async () => {
  await peers?.close();
  await standin?.close();
});

async function engOnlyGatedGrant(): Promise<string> {
  return (await issueGrant({ dataDir: peers.dataDir, secretId, principal: "system", policy: { groups: ["eng"], requireApproval: true } })).grantId;
}

/** Proxies GET /repos/octo/hello through the grant as `token`'s user; the refusal's code. */
async function ask(grantId: string, token: string): Promise<string> {
  const body = {
    grant: { grantId },
    provider: "github",
    request: { operationId: "repos/get", method: "GET", url: standin.url + "/repos/octo/hello", headers: { accept: "application/vnd.github+json" }, body: null },
  };
  return peers.transport.request("POST", "/v1/proxy", { userToken: token, body }).then(
    () => "ran",
    (e: { code?: string }) => e.code ?? "no code",
  );
}

async function pendingFor(grantId: string): Promise<string> {
  const a = (await listApprovals({ dataDir: peers.dataDir, status: "pending" })).find((x) => x.grantId === grantId);
  if (!a) throw new Error("no pending approval for the grant");
  return a.id;
}

describe("an approved call", () => {
  it("runs with the groups of the user who asked: a member's call runs once approved", async () => {
    const grantId = await engOnlyGatedGrant();
    expect(await ask(grantId, alice)).toBe("approval_required");
    const before = standin.requests.length;
    const done = await approve({ dataDir: peers.dataDir, approvalId: await pendingFor(grantId) });
    expect(done).toMatchObject({ status: "executed", errorCode: null });
    expect(standin.requests.length).toBe(before + 1);
  });

  it("a non-member is refused before any approval is asked", async () => {
    const grantId = await engOnlyGatedGrant();
    expect(await ask(grantId, bob)).toBe("policy_violation");
    expect((await listApprovals({ dataDir: peers.dataDir })).some((a) => a.grantId === grantId)).toBe(false);
  });

  it("fails, and never reaches the provider, when the grant was revoked meanwhile; audited with the asking call's origin", async () => {
    const grantId = await engOnlyGatedGrant();
    expect(await ask(grantId, alice)).toBe("approval_required");
    const approvalId = await pendingFor(grantId);
    await revokeGrant({ dataDir: peers.dataDir, grantId });
    const before = standin.requests.length;
    expect(await approve({ dataDir: peers.dataDir, approvalId })).toMatchObject({ status: "failed", errorCode: "grant_revoked" });
    expect(standin.requests.length).toBe(before);
    const rows = await readAudit({ dataDir: peers.dataDir, grantId });
    const run = rows.find((r) => r.action === "proxy.call" && (r.details as { approvalId?: string } | null)?.approvalId === approvalId);
    const asked = rows.find((r) => r.action === "approval.create");
    expect(run).toMatchObject({ outcome: "error", errorCode: "grant_revoked", operationId: "repos/get" });
    expect(asked!.keyId).toMatch(/\S/);
    expect([run!.keyId, run!.remoteAddress]).toEqual([asked!.keyId, asked!.remoteAddress]);
  });
});
