// An approver who is not a user of the app's IDP (issue 15): the app has an IDP, so the approver
// page asks everyone to sign in there, which this person cannot. An operator issues a link bound
// to their name (`vault approvals link <id> --approver <name>`); in Chromium it decides without
// IDP sign-in and the decision and audit row name that person as named by an operator. The name is
// MACed with the approval and its link token: edited, or moved to another approval, the link is
// refused; the plain link still asks for sign-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { addManagedSecret, approverLink, issueGrant, readAudit, setProviderConfig, showApproval } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";

const TOKEN = "xoxb-NAMED-CANARY-4c3b2a";
let peers: Peers;
let slack: Standin;
let browser: TestBrowser;
let grantId: string;
beforeAll(async () => {
  [peers, slack, browser] = await Promise.all([startPeers({ appName: "Acme Support" }), startProviderStandin("slack", { credential: TOKEN }), launchBrowser()]);
  await setProviderConfig({ dataDir: peers.dataDir, provider: "slack", baseUrl: slack.url });
  const s = await addManagedSecret({ dataDir: peers.dataDir, provider: "slack", value: TOKEN });
  grantId = (await issueGrant({ dataDir: peers.dataDir, secretId: s.id, principal: "system", policy: { requireApproval: true } })).grantId;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await slack?.close();
  await peers?.close();
});

async function ask(): Promise<string> {
  const e = await peers.transport
    .request("POST", "/v1/proxy", {
      body: {
        grant: { grantId },
        provider: "slack",
        request: { operationId: "chat_postMessage", method: "POST", url: `${slack.url}/chat.postMessage`, headers: { "content-type": "application/x-www-form-urlencoded" }, body: Buffer.from("channel=C1&text=hi").toString("base64") },
      },
    })
    .then(
      () => null,
      (err: { code: string; approvalId?: string }) => err,
    );
  expect(e?.code).toBe("approval_required");
  return e!.approvalId!;
}

describe("a named approver link", () => {
  it("decides without IDP sign-in, recorded under the name the operator gave", async () => {
    const id = await ask();
    const link = await approverLink({ dataDir: peers.dataDir, approvalId: id, approver: "Pat On-call" });
    expect(link).toMatch(/&named=[A-Za-z0-9_-]+\.[0-9a-f]+$/);
    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(link);
      expect(await page.locator("#sign-in").count()).toBe(0);
      expect(await page.locator("#approver-identity").textContent()).toBe(
        "You decide as Pat On-call, the person this link was issued for by an operator; your decision is recorded under this name.",
      );
      const before = slack.requests.length;
      const answered = page.waitForResponse((r) => r.url().endsWith("/decision"));
      await page.click("#approve");
      expect((await answered).status()).toBe(200);
      await page.waitForLoadState("domcontentloaded");
      expect(await page.locator("#status").getAttribute("data-outcome")).toBe("succeeded");
      expect(await page.locator("#decided").textContent()).toMatch(/^Approved by Pat On-call \(named in an approver link an operator issued\)/);
      expect(slack.requests.length).toBe(before + 1);
    } finally {
      await page.close();
    }
    expect((await showApproval({ dataDir: peers.dataDir, approvalId: id })).approval.decidedBy).toBe("Pat On-call (named in an approver link an operator issued)");
    const issued = (await readAudit({ dataDir: peers.dataDir, action: "admin" })).find((r) => (r.details as { approvalId?: string } | null)?.approvalId === id);
    expect(issued?.details).toMatchObject({ command: "approvals link --approver", approver: "Pat On-call" });
    const decided = (await readAudit({ dataDir: peers.dataDir, action: "approval.approve" })).find((r) => (r.details as { approvalId?: string } | null)?.approvalId === id);
    expect((decided?.details as { by?: string }).by).toBe("Pat On-call (named in an approver link an operator issued)");
  });

  it("is refused when the name is edited or the link is moved to another approval; the plain link still asks for sign-in", async () => {
    const first = await ask();
    const second = await ask();
    const link = new URL(await approverLink({ dataDir: peers.dataDir, approvalId: first, approver: "Pat On-call" }));
    const [, mac] = link.searchParams.get("named")!.split(".");
    const renamed = new URL(link);
    renamed.searchParams.set("named", `${Buffer.from("Mallory").toString("base64url")}.${mac}`);
    const plainSecond = new URL(await approverLink({ dataDir: peers.dataDir, approvalId: second }));
    const moved = new URL(plainSecond);
    moved.searchParams.set("named", link.searchParams.get("named")!);
    for (const bad of [renamed, moved]) {
      const res = await request(bad.toString());
      expect(res.statusCode).toBe(403);
      await res.body.dump();
    }
    // A decision POST carrying an edited name is refused too.
    const html = await (await request(link.toString())).body.text();
    const field = (n: string) => new RegExp(`name="${n}" value="([^"]+)"`).exec(html)![1]!;
    const forged = await request(`${peers.vault.url}/approvals/${first}/decision`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: field("token"), csrf: field("csrf"), shown: field("shown"), decision: "approve", named: renamed.searchParams.get("named")! }).toString(),
    });
    expect(forged.statusCode).toBe(403);
    await forged.body.dump();
    expect((await showApproval({ dataDir: peers.dataDir, approvalId: first })).approval.status).toBe("pending");

    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(plainSecond.toString());
      expect(await page.locator("#sign-in").count()).toBe(1);
      expect(await page.locator("#approve").count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it.each(["", "   ", "x".repeat(101), "Pat\nOn-call"])("refuses %j as an approver name", async (name) => {
    const id = await ask();
    await expect(approverLink({ dataDir: peers.dataDir, approvalId: id, approver: name })).rejects.toThrow(/--approver must be a person's name of 1 to 100 characters/);
  });
});
