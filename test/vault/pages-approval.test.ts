// What an approver reads, in the cases that used to go wrong (issue 15): opening the approver link
// a second time (another tab, a chat app's link preview) made the first page's Approve fail; the
// page after approving said "the call ran" above "failed (grant_revoked)", and called a 422 or
// Slack's `ok: false` a success; a revoked grant's page still offered "Approve and run". Headless
// Chromium is the approver's browser; the providers are stand-ins that check requests against
// their OpenAPI documents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import type { Page } from "playwright-core";
import { addManagedSecret, approverLink, issueGrant, readAudit, revokeGrant, setProviderConfig, showApproval } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { completeIdpLogin, launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";
import { call, startTestVault, type TestVault } from "./helpers.js";

const GH_TOKEN = "ghp_PAGES_CANARY_0a1b2c3d4e5f";
const SLACK_TOKEN = "xoxb-PAGES-CANARY-9f8e7d";
let v: TestVault;
let github: Standin;
let slack: Standin;
let browser: TestBrowser;
beforeAll(async () => {
  [github, slack, v, browser] = await Promise.all([
    startProviderStandin("github", { credential: GH_TOKEN }),
    startProviderStandin("slack", { credential: SLACK_TOKEN }),
    startTestVault(),
    launchBrowser(),
  ]);
  await setProviderConfig({ dataDir: v.dataDir, provider: "github", baseUrl: github.url });
  await setProviderConfig({ dataDir: v.dataDir, provider: "slack", baseUrl: slack.url });
});
afterAll(async () => {
  await browser?.close();
  await v?.close();
  await github?.close();
  await slack?.close();
});

async function gatedGrant(provider: "github" | "slack"): Promise<string> {
  const s = await addManagedSecret({ dataDir: v.dataDir, provider, value: provider === "github" ? GH_TOKEN : SLACK_TOKEN, label: `${provider}-bot` });
  return (await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system", policy: { requireApproval: true } })).grantId;
}

async function askGithub(grantId: string): Promise<string> {
  const res = await call(v, "POST", "/v1/proxy", {
    grant: { grantId },
    provider: "github",
    request: {
      operationId: "issues/create",
      method: "POST",
      url: `${github.url}/repos/acme/billing/issues`,
      headers: { "content-type": "application/json" },
      body: Buffer.from('{"title":"Refund"}').toString("base64"),
    },
    context: { caller: "billing-agent", reason: "refund" },
  });
  expect(res.json.error.code).toBe("approval_required");
  return res.json.error.details.approvalId;
}

async function askSlack(grantId: string): Promise<string> {
  const res = await call(v, "POST", "/v1/proxy", {
    grant: { grantId },
    provider: "slack",
    request: {
      operationId: "chat_postMessage",
      method: "POST",
      url: `${slack.url}/chat.postMessage`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: Buffer.from("channel=C0NOPE&text=hello").toString("base64"),
    },
  });
  expect(res.json.error.code).toBe("approval_required");
  return res.json.error.details.approvalId;
}

/** Presses a button on the approver's page and waits for the page the decision answers with. */
async function press(page: Page, button: "#approve" | "#deny", approver = "Dana Reviewer") {
  // (Pages before issue 15 had no name field; the helper works on both, so this test can fail there.)
  if ((await page.locator("#approver").count()) > 0) await page.fill("#approver", approver);
  const answer = page.waitForResponse((r) => r.url().endsWith("/decision"));
  await page.click(button);
  const res = await answer;
  await page.waitForLoadState("domcontentloaded");
  return res.status();
}

const outcomeOf = (page: Page) => page.locator("#status").getAttribute("data-outcome");
const bodyText = (page: Page) => page.locator("main").innerText();

describe("the approver link", () => {
  it("stays valid when opened again (a second tab, a link preview); a second decision answers 409 saying what was decided", async () => {
    const id = await askGithub(await gatedGrant("github"));
    const link = await approverLink({ dataDir: v.dataDir, approvalId: id });
    const first = await browser.newPage();
    const second = await browser.newPage();
    try {
      await first.goto(link);
      await second.goto(link);
      // A chat app's preview fetches the URL too.
      expect((await request(link)).statusCode).toBe(200);
      expect(await press(first, "#approve")).toBe(200);
      expect(await outcomeOf(first)).toBe("succeeded");

      // The other tab, still showing the form: its decision changes nothing and says what happened.
      const before = github.requests.length;
      expect(await press(second, "#deny", "Someone Else")).toBe(409);
      expect(await second.locator("#note").textContent()).toMatch(/already decided/);
      expect(await outcomeOf(second)).toBe("succeeded");
      expect(await second.locator("#decided").textContent()).toMatch(/^Approved by Dana Reviewer/);
      expect(github.requests.length).toBe(before);
      expect((await showApproval({ dataDir: v.dataDir, approvalId: id })).approval.status).toBe("executed");

      // Revisited later, the link shows the finished state.
      await first.goto(link);
      expect(await first.locator("#title").textContent()).toBe("Approved: the call ran");
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("names the app, the provider, the operation's summary, the account's owner, and shows times in the reader's zone", async () => {
    const id = await askGithub(await gatedGrant("github"));
    const page = await browser.newPage();
    try {
      await page.goto(await approverLink({ dataDir: v.dataDir, approvalId: id }));
      expect(await page.locator("#app-name").textContent()).toBe("default");
      expect(await page.locator("#title").textContent()).toBe("Approve this call to GitHub?");
      expect(await page.locator("#lead").textContent()).toMatch(/^default asks to run Create an issue at GitHub\b/);
      expect(await page.locator("#owner").textContent()).toMatch(/^the app itself/);
      const requested = (await page.locator("#requested").textContent()) ?? "";
      // Rewritten by the page's script to a local time with the zone named (UTC without script).
      expect(requested).not.toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      expect(requested).toMatch(/\d{4}/);
      expect(requested).toMatch(/Time|UTC|GMT/);
    } finally {
      await page.close();
    }
  });
});

describe("the page after approving says what happened", () => {
  it("a 422 from the provider is a refusal, with its status and error text", async () => {
    const id = await askGithub(await gatedGrant("github"));
    github.script("issues/create", { status: 422, body: { message: "Validation Failed", errors: [{ code: "missing_field", field: "title" }] } });
    const page = await browser.newPage();
    try {
      await page.goto(await approverLink({ dataDir: v.dataDir, approvalId: id }));
      expect(await press(page, "#approve")).toBe(200);
      expect(await outcomeOf(page)).toBe("refused");
      expect(await page.locator("#title").textContent()).toBe("Approved, but the provider refused the call");
      expect(await page.locator("#status").textContent()).toBe("The call ran once, but GitHub refused it (HTTP 422): Validation Failed; missing_field");
    } finally {
      await page.close();
    }
  });

  it("Slack's 200 with \"ok\": false is a refusal (the catalog's okField), with Slack's error", async () => {
    const id = await askSlack(await gatedGrant("slack"));
    slack.script("chat_postMessage", { status: 200, body: { ok: false, error: "channel_not_found" } });
    const page = await browser.newPage();
    try {
      await page.goto(await approverLink({ dataDir: v.dataDir, approvalId: id }));
      expect(await press(page, "#approve")).toBe(200);
      expect(await outcomeOf(page)).toBe("refused");
      expect(await page.locator("#status").textContent()).toMatch(/Slack refused it \(HTTP 200\): channel_not_found$/);
      expect(await bodyText(page)).not.toMatch(/accepted/);
    } finally {
      await page.close();
    }
  });

  it("a grant revoked after the page was shown: the call did not run, and the page says why", async () => {
    const grantId = await gatedGrant("github");
    const id = await askGithub(grantId);
    const page = await browser.newPage();
    try {
      await page.goto(await approverLink({ dataDir: v.dataDir, approvalId: id }));
      await revokeGrant({ dataDir: v.dataDir, grantId });
      const before = github.requests.length;
      expect(await press(page, "#approve")).toBe(200);
      expect(await outcomeOf(page)).toBe("not-run");
      expect(await page.locator("#title").textContent()).toBe("Approved, but the call did not run");
      expect(await page.locator("#status").textContent()).toMatch(/did not run: the account's access \(its grant\) was revoked/);
      expect(await bodyText(page)).not.toMatch(/the call ran/i);
      expect(await page.locator("#details").textContent()).toContain("grant_revoked");
      expect(github.requests.length).toBe(before);
    } finally {
      await page.close();
    }
  });

  it("a revoked grant's approval page offers only Deny; the audit row names the approver", async () => {
    const grantId = await gatedGrant("github");
    const id = await askGithub(grantId);
    await revokeGrant({ dataDir: v.dataDir, grantId });
    const page = await browser.newPage();
    try {
      await page.goto(await approverLink({ dataDir: v.dataDir, approvalId: id }));
      expect(await page.locator("#blocked").textContent()).toMatch(/cannot run: the account's access \(its grant\) was revoked/);
      expect(await page.locator("#approve").count()).toBe(0);
      expect(await press(page, "#deny", "Pat Operator")).toBe(200);
      expect(await outcomeOf(page)).toBe("denied");
    } finally {
      await page.close();
    }
    const rows = await readAudit({ dataDir: v.dataDir, action: "approval.deny" });
    const mine = rows.find((r) => (r.details as { approvalId?: string } | null)?.approvalId === id);
    expect((mine?.details as { by?: string } | undefined)?.by).toBe("Pat Operator (name given on the approval page)");
  });
});

describe("with an IDP, the approver signs in and the decision names them", () => {
  let peers: Peers;
  let slackIdp: Standin;
  beforeAll(async () => {
    [peers, slackIdp] = await Promise.all([startPeers({ appName: "Acme Support" }), startProviderStandin("slack", { credential: SLACK_TOKEN })]);
    await setProviderConfig({ dataDir: peers.dataDir, provider: "slack", baseUrl: slackIdp.url });
  });
  afterAll(async () => {
    await peers?.close();
    await slackIdp?.close();
  });

  it("shows Sign in instead of the buttons, then who is deciding; the audit row records the IDP identity", async () => {
    const s = await addManagedSecret({ dataDir: peers.dataDir, provider: "slack", value: SLACK_TOKEN });
    const grantId = (await issueGrant({ dataDir: peers.dataDir, secretId: s.id, principal: "system", policy: { requireApproval: true } })).grantId;
    const asked = await peers.transport
      .request("POST", "/v1/proxy", {
        body: {
          grant: { grantId },
          provider: "slack",
          request: { operationId: "chat_postMessage", method: "POST", url: `${slackIdp.url}/chat.postMessage`, headers: { "content-type": "application/x-www-form-urlencoded" }, body: Buffer.from("channel=C1&text=hi").toString("base64") },
        },
      })
      .then(
        () => null,
        (e: { code: string; approvalId?: string }) => e,
      );
    expect(asked?.code).toBe("approval_required");
    const id = asked!.approvalId!;
    const link = await approverLink({ dataDir: peers.dataDir, approvalId: id });

    // Without signing in, a decision is refused, whatever the form says.
    const html = await (await request(link)).body.text();
    const field = (n: string) => new RegExp(`name="${n}" value="([^"]+)"`).exec(html)![1]!;
    const blind = await request(`${peers.vault.url}/approvals/${id}/decision`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: field("token"), csrf: field("csrf"), shown: field("shown"), decision: "approve", approver: "Mallory" }).toString(),
    });
    expect(blind.statusCode).toBe(400);
    await blind.body.dump();

    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(link);
      expect(await page.locator("#approve").count()).toBe(0);
      expect(await page.locator("#approver").count()).toBe(0);
      await page.click("#sign-in");
      await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice" });
      await page.waitForURL((u) => u.pathname === `/approvals/${id}`);
      expect(await page.locator("#approver-identity").textContent()).toBe("Signed in as alice@example.test; your decision is recorded under this name.");
      expect(await press(page, "#approve")).toBe(200);
      expect(await outcomeOf(page)).toBe("succeeded");
      expect(await page.locator("#decided").textContent()).toMatch(/^Approved by alice@example\.test \(signed in at the IDP as alice\)/);
    } finally {
      await page.close();
    }
    const rows = await readAudit({ dataDir: peers.dataDir, action: "approval.approve" });
    const row = rows.find((r) => (r.details as { approvalId?: string } | null)?.approvalId === id);
    expect((row?.details as { by?: string } | undefined)?.by).toBe("alice@example.test (signed in at the IDP as alice)");
  });
});
