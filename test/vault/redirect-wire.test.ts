// The redirect fields of the vault protocol as the vault reads them: a retrieval's reported hops
// (`/request/redirects`, written into the audit row's details) and a proxied call's redirect
// policy (`/request/redirect`, `/request/maxRedirects`). Bad values are a 400 naming the field's
// JSON pointer, and nothing is released or sent. Following itself: test/e2e/redirects.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, issueGrant, readAudit } from "../support/vault-admin.js";
import { call, startTestVault, verifyResponse, type TestVault } from "./helpers.js";

let v: TestVault;
let grantId: string;
beforeAll(async () => {
  v = await startTestVault();
  const secret = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: "ghp_CANARYredirectWire0123" });
  grantId = (await issueGrant({ dataDir: v.dataDir, secretId: secret.id, principal: "system" })).grantId;
});
afterAll(async () => {
  await v.close();
});

const retrieve = (request: Record<string, unknown>) =>
  call(v, "POST", "/v1/credentials/retrieve", { grant: { grantId }, provider: "github", request: { method: "GET", url: "https://api.github.com/repositories/42", ...request } });

describe("POST /v1/credentials/retrieve: request.redirects", () => {
  it("the hops are written into the retrieval's audit row as status and host only", async () => {
    const hops = [{ status: 301, host: "api.github.com" }];
    const res = await retrieve({ redirects: hops });
    verifyResponse(v.apiKey, res.req, res);
    expect(res.status).toBe(200);
    const row = (await readAudit({ dataDir: v.dataDir })).find((r) => r.id === res.json.auditId);
    expect(row?.details).toEqual({ redirects: hops });
  });

  it.each([
    ["not an array", { status: 301 }, "/request/redirects must be an array of at most 20 hops."],
    ["too many hops", Array.from({ length: 21 }, () => ({ status: 302, host: "api.github.com" })), "/request/redirects must be an array of at most 20 hops."],
    ["a status that is not a redirect", [{ status: 200, host: "api.github.com" }], "/request/redirects/0/status must be a 3xx status."],
    ["a host with a path", [{ status: 301, host: "api.github.com" }, { status: 302, host: "evil.example/x?token=1" }], "/request/redirects/1/host must be a URL host (name or address, and port)."],
  ])("%s is refused naming the field", async (_name, redirects, message) => {
    const res = await retrieve({ redirects });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_request", message });
    expect(res.json.credential).toBeUndefined();
  });
});

describe("POST /v1/proxy: request.redirect and request.maxRedirects", () => {
  it.each([
    [{ redirect: "always" }, '/request/redirect must be "follow", "manual" or "error".'],
    [{ maxRedirects: 50 }, "/request/maxRedirects must be a whole number from 0 to 20."],
    [{ maxRedirects: "5" }, "/request/maxRedirects must be a whole number from 0 to 20."],
  ])("%j is refused naming the field", async (extra, message) => {
    const res = await call(v, "POST", "/v1/proxy", {
      grant: { grantId },
      provider: "github",
      request: { method: "GET", url: "https://api.github.com/user", headers: {}, body: null, ...extra },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "invalid_request", message });
  });
});
