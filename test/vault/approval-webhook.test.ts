// The approval webhook end to end: an agent's write on alice's grant waits for approval; the vault
// announces it to a loopback receiver, signed as Standard Webhooks are; the receiver checks the
// signature with the secret shown once at set time; alice opens the link from the webhook in
// Chromium, signs in at the app's IDP (oidc-provider) and approves; the call then runs at the
// GitHub stand-in. The payload carries no credential and no part of the request's body. Retries
// (503 then 200), a final refusal (400) and the URL rule are checked too, each audited.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, approverLink, issueGrant, readAudit, setApprovalWebhook, setProviderConfig, showApproval, signWebhook } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { completeIdpLogin, launchBrowser, type TestBrowser } from "../support/browser.js";
import { startPeers, type Peers } from "./identity/harness.js";

const TOKEN = "ghp_WEBHOOK_CANARY_1f2e3d4c5b";
const BODY_CANARY = "refund-card-4242-CANARY";

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A loopback receiver answering with `answers` in turn (then 200), recording every delivery. */
function receiver(answers: number[] = []): Promise<{ url: string; got: Delivery[]; next(): Promise<Delivery>; close(): Promise<void> }> {
  const got: Delivery[] = [];
  const waiting: ((d: Delivery) => void)[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const d = { headers: req.headers, body };
      got.push(d);
      res.writeHead(answers.shift() ?? 200).end();
      waiting.shift()?.(d);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/approvals`,
        got,
        next: () => new Promise<Delivery>((r) => waiting.push(r)),
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

/** Standard Webhooks verification, written from the specification (not the vault's code). */
function verified(secret: string, d: Delivery): boolean {
  const id = String(d.headers["webhook-id"]);
  const ts = String(d.headers["webhook-timestamp"]);
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const want = createHmac("sha256", key).update(`${id}.${ts}.${d.body}`).digest();
  return String(d.headers["webhook-signature"])
    .split(" ")
    .some((sig) => {
      const [v, b64] = sig.split(",");
      const got = Buffer.from(b64 ?? "", "base64");
      return v === "v1" && got.length === want.length && timingSafeEqual(got, want);
    });
}

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

async function aliceGrant(): Promise<string> {
  const s = await addManagedSecret({ dataDir: peers.dataDir, provider: "github", value: TOKEN });
  return (await issueGrant({ dataDir: peers.dataDir, secretId: s.id, principal: "user:alice", label: "alice@example.test", policy: { requireApprovalFor: { classes: ["write"] } } })).grantId;
}

async function askToCreate(grantId: string): Promise<string> {
  const e = await peers.transport
    .request("POST", "/v1/proxy", {
      body: {
        grant: { grantId },
        provider: "github",
        request: {
          operationId: "issues/create",
          method: "POST",
          url: `${github.url}/repos/acme/billing/issues`,
          headers: { "content-type": "application/json" },
          body: Buffer.from(JSON.stringify({ title: BODY_CANARY })).toString("base64"),
        },
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

async function webhookRow(approvalId: string) {
  for (let i = 0; i < 100; i++) {
    const rows = await readAudit({ dataDir: peers.dataDir, action: "approval.webhook" });
    const row = rows.find((r) => (r.details as { approvalId?: string } | null)?.approvalId === approvalId);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no approval.webhook audit row");
}

describe("the approval webhook", () => {
  it("announces the approval, signed; the grant's user opens the link, signs in at the IDP, approves, and the call runs", async () => {
    const hook = await receiver();
    try {
      const { secret } = await setApprovalWebhook({ dataDir: peers.dataDir, url: hook.url });
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const grantId = await aliceGrant();
      const arrived = hook.next();
      const approvalId = await askToCreate(grantId);
      const d = await arrived;
      expect(verified(secret, d)).toBe(true);
      expect(verified(secret, { ...d, body: d.body.replace("issues/create", "issues/delete") })).toBe(false);
      expect(d.headers["webhook-id"]).toMatch(/^msg_/);
      const notice = JSON.parse(d.body);
      expect(notice).toMatchObject({
        type: "approval.requested",
        data: {
          approvalId,
          provider: "github",
          providerName: "GitHub",
          operationId: "issues/create",
          operationSummary: "Create an issue",
          method: "POST",
          askedFor: ["grant: class write"],
          grant: { id: grantId, owner: { type: "user", label: "alice@example.test" } },
        },
      });
      expect(Date.parse(notice.data.expiresAt)).toBeGreaterThan(Date.parse(notice.data.requestedAt));
      // No credential, and nothing of the request's body or headers.
      expect(d.body).not.toContain(TOKEN);
      expect(d.body).not.toContain(BODY_CANARY);
      expect(JSON.stringify(d.headers)).not.toContain(TOKEN);

      const page = await browser.newPage();
      try {
        await browser.context.clearCookies();
        await page.goto(notice.data.approverUrl);
        await page.click("#sign-in");
        await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "alice" });
        await page.waitForURL((u) => u.pathname === `/approvals/${approvalId}`);
        expect(await page.locator("#asked-by").textContent()).toBe("the grant's own policy, for class write (requireApprovalFor)");
        const before = github.requests.length;
        const answered = page.waitForResponse((r) => r.url().endsWith("/decision"));
        await page.click("#approve");
        expect((await answered).status()).toBe(200);
        await page.waitForLoadState("domcontentloaded");
        expect(await page.locator("#status").getAttribute("data-outcome")).toBe("succeeded");
        expect(github.requests.length).toBe(before + 1);
        expect(github.requests.at(-1)).toMatchObject({ method: "POST", operationId: "issues/create" });
      } finally {
        await page.close();
      }
      expect((await showApproval({ dataDir: peers.dataDir, approvalId })).approval).toMatchObject({ status: "executed", decidedBy: "alice@example.test (signed in at the IDP as alice)" });
      const row = await webhookRow(approvalId);
      expect(row).toMatchObject({ outcome: "success", status: 200, grantId, provider: "github" });
      expect(row.details).toMatchObject({ attempts: 1, webhookId: d.headers["webhook-id"] });
      expect(JSON.stringify(row)).not.toContain(secret.slice(6));
    } finally {
      await hook.close();
    }
  }, 120_000);

  it("another user of the IDP who gets the link cannot decide a call on alice's grant", async () => {
    const approvalId = await askToCreate(await aliceGrant());
    const approverUrl = await approverLink({ dataDir: peers.dataDir, approvalId });
    await browser.context.clearCookies();
    const page = await browser.newPage();
    try {
      await page.goto(approverUrl);
      await page.click("#sign-in");
      await completeIdpLogin(page, { issuer: peers.idp.issuer, username: "bob" });
      await page.waitForURL((u) => u.pathname === `/approvals/${approvalId}`);
      expect(await page.locator("#approver-identity").textContent()).toBe(
        "This call uses alice@example.test's own access, so only alice@example.test can decide it here; you are signed in as bob@example.test. An operator can still decide it from the command line.",
      );
      expect(await page.locator("#approve").count()).toBe(0);
      expect(await page.locator("#deny").count()).toBe(0);
      // A decision posted with bob's sign-in is refused whatever the form says.
      const html = await page.content();
      const field = (n: string) => new RegExp(`name="${n}" value="([^"]+)"`).exec(html)![1]!;
      // (Through the browser context's own request client, which sends bob's approver cookie.)
      const res = await page.request.post(`${peers.vault.url}/approvals/${approvalId}/decision`, {
        form: { token: field("token"), csrf: field("csrf"), shown: field("shown"), decision: "approve" },
      });
      const status = res.status();
      expect(await res.text()).toContain("only alice@example.test can decide it here");
      expect(status).toBe(403);
    } finally {
      await page.close();
    }
    expect((await showApproval({ dataDir: peers.dataDir, approvalId })).approval.status).toBe("pending");
  }, 60_000);

  // [answers before 200, attempts, outcome, status]
  const RETRIES: [number[], number, "success" | "error", number][] = [
    [[503], 2, "success", 200],
    [[400], 1, "error", 400],
  ];
  it.each(RETRIES)("answers %j: %i attempt(s), audited as %s", async (answers, attempts, outcome, status) => {
    const hook = await receiver(answers);
    try {
      const { secret } = await setApprovalWebhook({ dataDir: peers.dataDir, url: hook.url });
      const approvalId = await askToCreate(await aliceGrant());
      const row = await webhookRow(approvalId);
      expect(row).toMatchObject({ outcome, status });
      expect(row.details).toMatchObject({ attempts });
      expect(hook.got).toHaveLength(attempts);
      // A retry is the same message (same id), signed anew.
      expect(new Set(hook.got.map((g) => g.headers["webhook-id"])).size).toBe(1);
      for (const g of hook.got) expect(verified(secret, g)).toBe(true);
    } finally {
      await hook.close();
    }
  }, 30_000);

  it.each(["http://example.com/hook", "ftp://127.0.0.1/hook", "https://user:pw@example.com/hook", "not a url"])("refuses %s as the webhook URL", async (url) => {
    await expect(setApprovalWebhook({ dataDir: peers.dataDir, url })).rejects.toThrow(/The webhook URL .* (must be https|must not carry|is not an absolute URL)/);
  });

  it("signs as the Standard Webhooks specification's example does", () => {
    expect(signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
});
