// Identity-based calls end to end: end users sign in at the test IDP through the vault's login
// page in Chromium (AlterVault.authenticate), connect their own GitHub account (a user grant) and
// get a managed Slack grant; the generated clients then call with `asUser()` and the vault resolves
// the grant from the user's JWT. A second user can neither use nor revoke the first user's grants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalRequiredError, asUser, BackendError, GrantNotFoundError, GrantRevokedError, type AlterVault } from "alter-gen/runtime";
import { approve } from "../support/vault-admin.js";
import { createGithubClient } from "alter-gen/generated/github";
import { createSlackClient } from "alter-gen/generated/slack";
import { auditDuring, callRows, startE2E, type E2E } from "../support/e2e.js";

const ALICE_SLACK = "xoxp-alice-CANARY-e2e-5521";

let world: E2E;
/** Every error the calls raised, scanned for secrets at the end. */
const errors: unknown[] = [];
const keep = (e: unknown) => (errors.push(e), e);
let alice: AlterVault;
let bob: AlterVault;
let aliceGithub: string;
let aliceSlack: string;

beforeAll(async () => {
  world = await startE2E({ providers: ["github", "slack"] });
  alice = world.client({ caller: "e2e-identity", callerType: "service", retry: false });
  bob = world.client({ caller: "e2e-identity", callerType: "service", retry: false });
  await world.signIn(alice, "alice");
  await world.signIn(bob, "bob");
  const g = await world.connect(alice, "github", "alice");
  aliceGithub = g.grantId;
  aliceSlack = await world.managedGrant("slack", ALICE_SLACK, { principal: "user:alice", account: "alice-workspace" });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const github = (v: AlterVault, mode: "retrieve" | "proxy" = "retrieve") => createGithubClient(v, { baseUrl: world.standins.github!.url, mode });

describe("identity-based calls", () => {
  it("connect() as a signed-in user makes a grant owned by that user", async () => {
    const mine = [];
    for await (const grant of alice.listGrants()) mine.push(grant);
    expect(mine.map((x) => x.grantId).sort()).toEqual([aliceGithub, aliceSlack].sort());
    const connected = mine.find((x) => x.grantId === aliceGithub)!;
    expect(connected).toMatchObject({ provider: "github", source: "oauth", account: "alice@example.test", principal: { type: "user" } });
  });

  it.each(["retrieve", "proxy"] as const)("asUser() resolves alice's connected GitHub grant from her JWT (%s)", async (mode) => {
    const st = world.standins.github!;
    const from = st.requests.length;
    const { result, rows } = await auditDuring(world, () =>
      github(alice, mode).repos.get(asUser(), { owner: "alice", repo: "notes" }, { reason: "read her repo", runId: `run-id-${mode}` }),
    );
    expect(typeof result.id).toBe("number");
    const [req] = st.requests.slice(from);
    const token = /^Bearer (.+)$/.exec(req!.headers.authorization ?? "")?.[1];
    expect(world.idp.isActiveAccessToken(token!)).toBe(true);
    const calls = callRows(rows);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ grantId: aliceGithub, principalType: "user", operationId: "repos/get", runId: `run-id-${mode}`, reason: "read her repo", outcome: "success" });
  });

  it("asUser() picks her managed Slack grant, with the managed token", async () => {
    const st = world.standins.slack!;
    const from = st.requests.length;
    const slack = createSlackClient(alice, { baseUrl: st.url });
    const res = await slack.chat.postMessage(asUser(), { body: { channel: "C1", text: "hi from alice" } }, { toolCallId: "tc-1" });
    expect(res).toBeTypeOf("object");
    expect(st.requests.slice(from).map((r) => r.headers.authorization)).toEqual([`Bearer ${ALICE_SLACK}`]);
    expect(callRows(await world.audit()).at(-1)).toMatchObject({ grantId: aliceSlack, principalType: "user", toolCallId: "tc-1" });
  });
});

describe("a second user", () => {
  it("cannot use alice's grants through asUser(): GrantNotFoundError, and nothing reaches the provider", async () => {
    const st = world.standins.github!;
    const from = st.requests.length;
    for (const mode of ["retrieve", "proxy"] as const) {
      const err = await github(bob, mode).repos.get(asUser(), { owner: "alice", repo: "notes" }).catch(keep);
      expect(err).toBeInstanceOf(GrantNotFoundError);
    }
    const slack = createSlackClient(bob, { baseUrl: world.standins.slack!.url });
    await expect(slack.chat.postMessage(asUser(), { body: { channel: "C1", text: "x" } })).rejects.toBeInstanceOf(GrantNotFoundError);
    expect(st.requests.length).toBe(from);
  });

  it("cannot use alice's grants by id either, while signed in: GrantNotFoundError, nothing sent", async () => {
    const st = world.standins.github!;
    const from = st.requests.length;
    for (const mode of ["retrieve", "proxy"] as const) {
      const err = await github(bob, mode).repos.get(aliceGithub, { owner: "alice", repo: "notes" }).catch(keep);
      expect(err).toBeInstanceOf(GrantNotFoundError);
    }
    expect(st.requests.length).toBe(from);
    // The same id works for alice.
    expect(typeof (await github(alice).repos.get(aliceGithub, { owner: "alice", repo: "notes" })).id).toBe("number");
  });

  it("does not see alice's grants and cannot revoke them: GrantNotFoundError; alice's grant still works", async () => {
    const bobs = [];
    for await (const grant of bob.listGrants()) bobs.push(grant.grantId);
    expect(bobs).not.toContain(aliceGithub);
    expect(bobs).not.toContain(aliceSlack);
    await expect(bob.revokeGrant(aliceGithub, { reason: "not mine" })).rejects.toBeInstanceOf(GrantNotFoundError);
    await expect(bob.revokeGrant(aliceSlack, { reason: "not mine" })).rejects.toBeInstanceOf(GrantNotFoundError);
    const repo = await github(alice).repos.get(asUser(), { owner: "alice", repo: "notes" });
    expect(typeof repo.id).toBe("number");
  });

  it("alice can revoke her own grant; afterwards her asUser() call gives GrantRevokedError", async () => {
    const st = world.standins.github!;
    const lastToken = st.requests.at(-1)!.headers.authorization!.slice("Bearer ".length);
    expect(world.idp.isActiveAccessToken(lastToken)).toBe(true);
    const revoked = await alice.revokeGrant(aliceGithub, { reason: "done" });
    expect(revoked.status).toBe("revoked");
    // The vault revoked the tokens at the provider's OAuth server too.
    expect(world.idp.isActiveAccessToken(lastToken)).toBe(false);
    const from = st.requests.length;
    await expect(github(alice).repos.get(asUser(), { owner: "alice", repo: "notes" })).rejects.toBeInstanceOf(GrantRevokedError);
    expect(st.requests.length).toBe(from);
  });

  it("an approval raised by alice's call is hers: she gets its result, bob cannot even see it", async () => {
    const gated = await world.managedGrant("slack", "xoxp-alice-gated-CANARY-e2e-7730", { principal: "user:alice", account: "alice-gated", policy: { requireApproval: true } });
    const slack = createSlackClient(alice, { baseUrl: world.standins.slack!.url, mode: "proxy" });
    const err = await slack.chat.postMessage(gated, { body: { channel: "C2", text: "needs a yes" } }).catch(keep);
    expect(err).toBeInstanceOf(ApprovalRequiredError);
    const { approvalId } = err as ApprovalRequiredError;
    const hidden = await bob.awaitApproval(approvalId, { timeoutMs: 2_000, pollIntervalMs: 100 }).catch(keep);
    expect(hidden).toBeInstanceOf(BackendError);
    expect((hidden as BackendError).code).toBe("not_found");
    const waiting = alice.awaitApproval<{ ok: boolean }>(approvalId, { timeoutMs: 30_000, pollIntervalMs: 100 });
    await approve({ dataDir: world.dataDir, approvalId });
    expect(await waiting).toBeTypeOf("object");
  });

  it("leaves no secret in the audit log, the logs or the data folder", async () => {
    expect(errors.length).toBeGreaterThan(0);
    expect(await world.findSecrets(errors)).toEqual([]);
  });
});
