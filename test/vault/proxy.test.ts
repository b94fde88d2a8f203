// Proxy mode against a GitHub stand-in on loopback (validates each request against the pinned
// OpenAPI document), the private-address guard, and approvals (CLI functions and the page).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { addManagedSecret, approve, approverLink, deny, issueGrant, listApprovals, readAudit, revokeGrant, setProviderConfig } from "../support/vault-admin.js";
import { startProviderStandin, type Standin } from "../../standins/index.js";
import { call, startTestVault, verifyResponse, type TestVault } from "./helpers.js";
import { runVaultCli } from "./cli-run.js";
import { checkProxyTarget, guardedLookup } from "../../vault/proxy/send.js";
import { isPrivateAddress } from "../../vault/proxy/address.js";

const CANARY = "ghp_CANARY_proxy_0a1b2c3d4e5f60718293";
let v: TestVault;
let standin: Standin;
let grantId: string;
let gatedGrantId: string;

beforeAll(async () => {
  standin = await startProviderStandin("github", { credential: CANARY });
  v = await startTestVault();
  await setProviderConfig({ dataDir: v.dataDir, provider: "github", baseUrl: standin.url });
  const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY, label: "octocat" });
  grantId = (await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system" })).grantId;
  gatedGrantId = (await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system", policy: { requireApproval: true } })).grantId;
});
afterAll(async () => {
  await v?.close();
  await standin?.close();
});

const proxyBody = (grant: string, path = "/repos/octo/hello", method = "GET") => ({
  grant: { grantId: grant },
  provider: "github",
  request: { operationId: "repos/get", method, url: standin.url + path, headers: { accept: "application/vnd.github+json" }, body: null },
  context: { caller: "triage-agent", callerType: "agent", reason: "look at the repo", toolCallId: "call_1" },
});

describe("POST /v1/proxy", () => {
  it("calls the provider with the injected credential and returns its answer", async () => {
    const before = standin.requests.length;
    const res = await call(v, "POST", "/v1/proxy", proxyBody(grantId));
    expect(res.status).toBe(200);
    verifyResponse(v.apiKey, res.req, res);
    expect(res.json.status).toBe(200);
    expect(res.json.grantId).toBe(grantId);
    const data = JSON.parse(Buffer.from(res.json.body, "base64").toString("utf8"));
    expect(typeof data).toBe("object");
    expect(res.body.toString()).not.toContain(CANARY);
    const seen = standin.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.problems).toEqual([]);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
    const row = (await readAudit({ dataDir: v.dataDir, grantId })).find((r) => r.id === res.json.auditId)!;
    expect(row).toMatchObject({ action: "proxy.call", outcome: "success", status: 200, caller: "triage-agent", toolCallId: "call_1" });
  });

  it("passes the provider's error status through in a 200 envelope", async () => {
    standin.queue({ status: 404, body: { message: "Not Found" } });
    const res = await call(v, "POST", "/v1/proxy", proxyBody(grantId));
    expect(res.status).toBe(200);
    expect(res.json.status).toBe(404);
  });

  it("refuses hosts that are not the provider's", async () => {
    const body = proxyBody(grantId);
    body.request.url = "https://api.github.com.evil.test/x";
    const res = await call(v, "POST", "/v1/proxy", body);
    expect(res.json.error.code).toBe("provider_host_not_allowed");
  });

  it("never reaches loopback for a provider whose base URL is not loopback", async () => {
    await setProviderConfig({ dataDir: v.dataDir, provider: "slack", hosts: ["slack.com", new URL(standin.url).host] });
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "slack", value: "xoxb-canary" });
    const g = await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system" });
    const before = standin.requests.length;
    const res = await call(v, "POST", "/v1/proxy", { ...proxyBody(g.grantId), provider: "slack" });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("provider_host_not_allowed");
    expect(standin.requests.length).toBe(before);
  });

  it("reports an unreachable provider as provider_unreachable", async () => {
    await setProviderConfig({ dataDir: v.dataDir, provider: "zoom", baseUrl: "http://127.0.0.1:9" });
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "zoom", value: "zoom-canary" });
    const g = await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system" });
    const res = await call(v, "POST", "/v1/proxy", { ...proxyBody(g.grantId), provider: "zoom", request: { method: "GET", url: "http://127.0.0.1:9/users/me" } });
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe("provider_unreachable");
  });
});

describe("what a proxied request may not carry", () => {
  it.each([
    ["a CR LF in a header value (header injection)", { "x-e": "a\r\nX-Evil: 1" }, /^\/request\/headers\/x-e holds a carriage return \(CR\)/],
    ["a lone LF", { "x-e": "a\nb" }, /^\/request\/headers\/x-e holds a line feed \(LF\)/],
    ["a NUL", { "x-e": "a\u0000b" }, /^\/request\/headers\/x-e holds a NUL character/],
    ["a character beyond Latin-1", { "x-e": "€" }, /^\/request\/headers\/x-e holds the character U\+20AC/],
  ] as const)("refuses %s, naming the header, and sends nothing", async (_name, headers, why) => {
    const before = standin.requests.length;
    const body = proxyBody(grantId);
    body.request.headers = { ...body.request.headers, ...headers } as typeof body.request.headers;
    const res = await call(v, "POST", "/v1/proxy", body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_request");
    expect(res.json.error.message).toMatch(why);
    expect(standin.requests.length).toBe(before);
  });

  it.each([
    ["a space", "/repos/o/r x"],
    ["a backslash", "/repos\\..\\user"],
    ["a line feed", "/repos/o/r\n"],
  ])("refuses a URL with %s (URL parsing would drop or rewrite it)", async (_name, path) => {
    const res = await call(v, "POST", "/v1/proxy", proxyBody(grantId, path));
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/^\/request\/url holds /);
  });

  it("audits the URL as parsed, which is the URL it sends", async () => {
    const body = proxyBody(grantId);
    body.request.url = body.request.url.replace(/^http:/, "HTTP:");
    const res = await call(v, "POST", "/v1/proxy", body);
    expect(res.status).toBe(200);
    const row = (await readAudit({ dataDir: v.dataDir, grantId })).find((r) => r.id === res.json.auditId)!;
    expect(row.url).toBe(`${standin.url}/repos/octo/hello`);
  });
});

describe("the private-address guard", () => {
  const privateOnes = ["127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"];
  const publicOnes = ["140.82.112.3", "8.8.8.8", "2606:4700::1111", "::ffff:140.82.112.3"];
  for (const a of privateOnes) it(`${a} is private`, () => expect(isPrivateAddress(a)).toBe(true));
  for (const a of publicOnes) it(`${a} is public`, () => expect(isPrivateAddress(a)).toBe(false));

  it("rejects literal private targets even when listed as hosts", () => {
    const p = { id: "x", baseUrl: "https://x.test", hosts: ["169.254.169.254", "[::1]:8080"], injection: { type: "bearer" as const }, loopbackAllowed: false };
    expect(() => checkProxyTarget("https://169.254.169.254/latest/meta-data", p)).toThrow(/private or loopback/);
    expect(() => checkProxyTarget("https://[::1]:8080/x", p)).toThrow(/private or loopback/);
  });

  it("the connect-time lookup drops names that resolve inward (no DNS rebinding to loopback)", async () => {
    const lookup = (allow: boolean) =>
      new Promise<{ code?: string; addresses?: unknown }>((resolve) =>
        guardedLookup(allow)("localhost", { all: true }, (err, addresses) => resolve(err ? { code: err.code } : { addresses })),
      );
    expect(await lookup(false)).toEqual({ code: "EPRIVATEADDR" });
    const allowed = await lookup(true);
    expect(allowed.addresses).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) })]));
  });

  it("allows plain http only to a loopback stand-in", () => {
    const p = { id: "x", baseUrl: "https://x.test", hosts: ["x.test"], injection: { type: "bearer" as const }, loopbackAllowed: false };
    expect(() => checkProxyTarget("http://x.test/a", p)).toThrow(/https/);
    expect(checkProxyTarget("https://x.test/a", p).host).toBe("x.test");
  });
});

describe("approvals", () => {
  it("an approval-gated grant refuses retrieve mode", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", {
      grant: { grantId: gatedGrantId },
      provider: "github",
      request: { method: "GET", url: "https://api.github.com/user" },
    });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: "policy_violation", details: { policy: "requireApproval" } });
  });

  it("stores the call, runs it once when approved from the CLI, and hands the result to the SDK", async () => {
    const before = standin.requests.length;
    const res = await call(v, "POST", "/v1/proxy", proxyBody(gatedGrantId));
    expect(res.status).toBe(403);
    verifyResponse(v.apiKey, res.req, res);
    const { approvalId, approvalUrl, expiresAt } = res.json.error.details;
    expect(res.json.error.code).toBe("approval_required");
    // The caller gets a status page, never the approver's token.
    expect(approvalUrl).toBe(`${v.url}/approvals/${approvalId}`);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect(standin.requests.length).toBe(before);

    const pending = await call(v, "GET", `/v1/approvals/${approvalId}`);
    expect(pending.json).toMatchObject({ id: approvalId, status: "pending", result: null });
    expect((await listApprovals({ dataDir: v.dataDir, status: "pending" })).map((a) => a.id)).toContain(approvalId);

    const done = await approve({ dataDir: v.dataDir, approvalId });
    expect(done.status).toBe("executed");
    expect(standin.requests.length).toBe(before + 1);
    expect(standin.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);

    const after = await call(v, "GET", `/v1/approvals/${approvalId}`);
    expect(after.json.status).toBe("executed");
    expect(after.json.result.status).toBe(200);
    // Approving again does nothing: the call ran once.
    await expect(approve({ dataDir: v.dataDir, approvalId })).rejects.toThrow(/not pending/);
    expect(standin.requests.length).toBe(before + 1);
  });

  it.each([
    ["the provider accepted it", undefined, /^Approval \S+: executed; the provider accepted the call \(200\)\.$/m],
    ["the provider refused it with 422: never a plain 'executed'", { status: 422, body: { message: "Validation Failed" } }, /^Approval \S+: executed, but the provider refused the call \(422: Validation Failed\)\.$/m],
  ] as const)("`vault approvals approve` says what became of the call: %s", async (_name, answer, line) => {
    if (answer) standin.script("repos/get", answer);
    const res = await call(v, "POST", "/v1/proxy", proxyBody(gatedGrantId));
    const { approvalId } = res.json.error.details;
    const r = await runVaultCli(["approvals", "approve", approvalId, "--data", v.dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(line);
    expect(r.stdout + r.stderr).not.toContain(CANARY);
  }, 120_000);

  it("a denied approval never runs", async () => {
    const before = standin.requests.length;
    const res = await call(v, "POST", "/v1/proxy", proxyBody(gatedGrantId));
    const { approvalId } = res.json.error.details;
    expect((await deny({ dataDir: v.dataDir, approvalId })).status).toBe("denied");
    await expect(approve({ dataDir: v.dataDir, approvalId })).rejects.toThrow(/not pending/);
    expect((await call(v, "GET", `/v1/approvals/${approvalId}`)).json.status).toBe("denied");
    expect(standin.requests.length).toBe(before);
  });

  it("the approval page needs its token and a CSRF token, shows the full request, and approves what it showed", async () => {
    const body = proxyBody(gatedGrantId, "/repos/octo/hello?access_token=leaky");
    const res = await call(v, "POST", "/v1/proxy", body);
    const { approvalId, approvalUrl: statusUrl } = res.json.error.details;

    // The SDK's URL shows the status and how an operator decides: no request details, no form.
    const noToken = await request(statusUrl);
    expect(noToken.statusCode).toBe(200);
    const waiting = await noToken.body.text();
    expect(waiting).toContain("pending");
    expect(waiting).toContain(`vault approvals approve ${approvalId}`);
    expect(waiting).not.toContain("triage-agent");
    expect(waiting).not.toMatch(/name="token"|name="csrf"/);
    // A decision without the approver's token is refused.
    const blind = await request(`${v.url}/approvals/${approvalId}/decision`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ decision: "approve" }).toString(),
    });
    expect(blind.statusCode).toBe(403);
    await blind.body.dump();
    const approvalUrl = await approverLink({ dataDir: v.dataDir, approvalId });
    expect(approvalUrl).toMatch(new RegExp(`^${v.url}/approvals/${approvalId}\\?token=`));
    const wrongToken = await request(`${v.url}/approvals/${approvalId}?token=nope`);
    expect(wrongToken.statusCode).toBe(403);
    await wrongToken.body.dump();

    const page = await request(approvalUrl);
    expect(page.statusCode).toBe(200);
    const html = await page.body.text();
    expect(html).toContain("triage-agent");
    expect(html).toContain("look at the repo");
    // Nothing is hidden by its name: the stored request holds no credential, so all of it is shown.
    expect(html).toContain("access_token=leaky");
    expect(html).not.toContain(CANARY);
    const token = /name="token" value="([^"]+)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const shown = /name="shown" value="([^"]+)"/.exec(html)![1]!;

    const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      request(`${v.url}/approvals/${approvalId}/decision`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(form).toString(),
      });
    const badCsrf = await post({ token, csrf: "forged", shown, decision: "approve" });
    expect(badCsrf.statusCode).toBe(403);
    await badCsrf.body.dump();
    const crossSite = await post({ token, csrf, shown, decision: "approve" }, { origin: "https://evil.test" });
    expect(crossSite.statusCode).toBe(403);
    await crossSite.body.dump();
    expect((await call(v, "GET", `/v1/approvals/${approvalId}`)).json.status).toBe("pending");

    const ok = await post({ token, csrf, shown, decision: "approve", approver: "Operator" }, { origin: v.url });
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toContain("executed");
    const after = await call(v, "GET", `/v1/approvals/${approvalId}`);
    expect(after.json.status).toBe("executed");
    expect(standin.requests.at(-1)!.url).toContain("access_token=leaky");
  });

  it("an approval whose grant was revoked meanwhile fails instead of running", async () => {
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: CANARY });
    const g = await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system", policy: { requireApproval: true } });
    const res = await call(v, "POST", "/v1/proxy", proxyBody(g.grantId));
    const { approvalId } = res.json.error.details;
    await revokeGrant({ dataDir: v.dataDir, grantId: g.grantId });
    const before = standin.requests.length;
    const done = await approve({ dataDir: v.dataDir, approvalId });
    expect(done).toMatchObject({ status: "failed", errorCode: "grant_revoked" });
    expect(standin.requests.length).toBe(before);
  });
});
