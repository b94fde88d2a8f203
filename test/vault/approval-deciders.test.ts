// Who may decide an approval (vault/approvals/decider-rules.ts). The rule table, row by row; then
// end to end through the real vault, oidc-provider and Chromium: a call on a GROUP grant waits for
// approval; bob, who signs in at the app's IDP but is not in the group, is shown why he cannot
// decide and his posted decision is refused; alice, a member (her token's groups), approves, the
// call runs, and the audit row names her issuer, subject and the rule that let her.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, approverLink, issueGrant, readAudit, setProviderConfig, showApproval } from "../support/vault-admin.js";
import { mayDecide, type DeciderFacts } from "../../vault/approvals/decider-rules.js";
import type { Approver } from "../../vault/approvals/approver-session.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { completeIdpLogin, launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";

const ISS = "https://idp.example";
const person = (subject: string, groups: string[], issuer = ISS): Approver => ({ approvalId: "a", label: `${subject}@x`, subject, issuer, groups, expiresAt: 0 });
const userGrant = { principalType: "user" as const, principalId: "u-alice", principalLabel: "alice@x", principalIssuer: ISS };
const groupGrant = { principalType: "group" as const, principalId: "eng", principalLabel: "eng", principalIssuer: ISS };
const systemGrant = { principalType: "system" as const, principalId: null, principalLabel: "ci", principalIssuer: null };
const alice = { issuer: ISS, subject: "alice" };

// [case, facts, allowed, rule]
const RULES: [string, DeciderFacts, boolean, string][] = [
  ["an operator at the CLI, on a user grant", { decider: { kind: "operator", via: "cli" }, grant: userGrant, owner: alice }, true, "operator"],
  ["an operator's named link, on a group grant", { decider: { kind: "operator", via: "named-link" }, grant: groupGrant, owner: undefined }, true, "operator"],
  ["a name typed on the page (no IDP sign-in)", { decider: { kind: "named-on-page" }, grant: groupGrant, owner: undefined }, true, "link-without-idp-sign-in"],
  ["anyone signed in, when the grant is gone", { decider: { kind: "signed-in", approver: person("bob", []) }, grant: undefined, owner: undefined }, true, "grant-gone"],
  ["anyone signed in, on a system grant", { decider: { kind: "signed-in", approver: person("bob", []) }, grant: systemGrant, owner: undefined }, true, "system-grant"],
  ["the owner, on a user grant", { decider: { kind: "signed-in", approver: person("alice", []) }, grant: userGrant, owner: alice }, true, "user-grant-owner"],
  ["the owner's subject at another issuer", { decider: { kind: "signed-in", approver: person("alice", [], "https://other.example") }, grant: userGrant, owner: alice }, false, "user-grant-not-owner"],
  ["another user, on a user grant", { decider: { kind: "signed-in", approver: person("bob", ["eng"]) }, grant: userGrant, owner: alice }, false, "user-grant-not-owner"],
  ["a member, on a group grant", { decider: { kind: "signed-in", approver: person("carol", ["ops", "eng"]) }, grant: groupGrant, owner: undefined }, true, "group-member"],
  ["a non-member, on a group grant", { decider: { kind: "signed-in", approver: person("bob", ["ops"]) }, grant: groupGrant, owner: undefined }, false, "group-non-member"],
  ["a member of a same-named group at another issuer", { decider: { kind: "signed-in", approver: person("dan", ["eng"], "https://other.example") }, grant: groupGrant, owner: undefined }, false, "group-non-member"],
];

describe("who may decide an approval (the rule table)", () => {
  it.each(RULES)("%s", (_name, facts, allowed, rule) => {
    const v = mayDecide(facts);
    expect({ allowed: v.allowed, rule: v.rule }).toEqual({ allowed, rule });
    if (!v.allowed) expect(v.why).toMatch(/can decide it here; you are signed in as .*An operator can still decide it from the command line\.$/);
  });
});

const TOKEN = "ghp_DECIDERS_CANARY_77aa";
let peers: Peers;
let github: Standin;
let browser: TestBrowser;
beforeAll(async () => {
  [peers, github, browser] = await Promise.all([startPeers({ appName: "Acme Agents" }), startProviderStandin("github", { credential: TOKEN }), launchBrowser()]);
  await setProviderConfig({ dataDir: peers.dataDir, provider: "github", baseUrl: github.url });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await github?.close();
  await peers?.close();
});

async function askOnGroupGrant(): Promise<string> {
  const s = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: TOKEN });
  const grant = await issueGrant({ dataDir: peers.dataDir, secretId: s.id, principal: "group:eng", label: "eng", policy: { requireApprovalFor: { classes: ["write"] } } });
  const e = await peers.transport
    .request("POST", "/v1/proxy", {
      body: {
        grant: { grantId: grant.grantId },
        provider: "github",
        request: { operationId: "issues/create", method: "POST", url: `${github.url}/repos/acme/billing/issues`, headers: { "content-type": "application/json" }, body: Buffer.from('{"title":"x"}').toString("base64") },
        context: { caller: "billing-agent", callerType: "agent" },
      },
    })
    .then(
      () => null,
      (err: { code: string; approvalId?: string }) => err,
    );
  expect(e?.code).toBe("approval_required");
  return e!.approvalId!;
}

async function signInAt(approverUrl: string, approvalId: string, username: string) {
  await browser.context.clearCookies();
  const page = await browser.newPage();
  await page.goto(approverUrl);
  await page.click("#sign-in");
  await completeIdpLogin(page, { issuer: peers.idp.issuer, username });
  await page.waitForURL((u) => u.pathname === `/approvals/${approvalId}`);
  return page;
}

describe("a group grant's approval, through the real vault, IDP and browser", () => {
  it("a signed-in non-member is refused (page and posted form); a member decides, and the audit row names her", async () => {
    const approvalId = await askOnGroupGrant();
    const approverUrl = await approverLink({ dataDir: peers.dataDir, approvalId });

    const bob = await signInAt(approverUrl, approvalId, "bob");
    try {
      expect(await bob.locator("#approver-identity").textContent()).toContain("only its members can decide it here; you are signed in as bob@example.test");
      expect(await bob.locator("#approve").count()).toBe(0);
      const html = await bob.content();
      const field = (n: string) => new RegExp(`name="${n}" value="([^"]+)"`).exec(html)![1]!;
      const res = await bob.request.post(`${peers.vault.url}/approvals/${approvalId}/decision`, {
        form: { token: field("token"), csrf: field("csrf"), shown: field("shown"), decision: "approve" },
      });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain("only its members can decide it here");
    } finally {
      await bob.close();
    }
    expect((await showApproval({ dataDir: peers.dataDir, approvalId })).approval.status).toBe("pending");

    const alice = await signInAt(approverUrl, approvalId, "alice");
    try {
      expect(await alice.locator("#approve").count()).toBe(1);
      const before = github.requests.length;
      const answered = alice.waitForResponse((r) => r.url().endsWith("/decision"));
      await alice.click("#approve");
      expect((await answered).status()).toBe(200);
      expect(github.requests.length).toBe(before + 1);
    } finally {
      await alice.close();
    }
    expect((await showApproval({ dataDir: peers.dataDir, approvalId })).approval).toMatchObject({ status: "executed", decidedBy: "alice@example.test (signed in at the IDP as alice)" });
    const row = (await readAudit({ dataDir: peers.dataDir, action: "approval.approve" })).find((r) => (r.details as { approvalId?: string }).approvalId === approvalId);
    expect(row?.details).toMatchObject({ decider: { via: "idp-sign-in", rule: "group-member", issuer: peers.idp.issuer, subject: "alice" } });
  }, 120_000);
});
