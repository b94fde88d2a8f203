// The HTTP server's edges: HTTPS, body limits and media types, unknown routes, approval expiry.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagedSecret, approve, initVault, issueGrant, setProviderConfig, startVault } from "../support/vault-admin.js";
import { openTestDb } from "../support/vault-db.js";
import { call, send, sign, startTestVault, tempDir, verifyResponse, type TestVault } from "./helpers.js";

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault({ bodyLimit: 64 * 1024, log: () => {} });
});
afterAll(async () => {
  await v.close();
});

describe("HTTPS", () => {
  it("serves the signed API over TLS with --tls-cert/--tls-key", async () => {
    const tmp = tempDir();
    try {
      const cert = join(tmp.dir, "cert.pem");
      const key = join(tmp.dir, "key.pem");
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
      ], { stdio: "ignore" });
      const dataDir = join(tmp.dir, "data");
      const { apiKey } = await initVault({ dataDir, env: {} });
      const running = await startVault({ dataDir, port: 0, tls: { certFile: cert, keyFile: key } });
      const agent = new Agent({ connect: { ca: readFileSync(cert) } });
      try {
        expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const r = sign(apiKey, { method: "GET", url: running.url + "/v1/grants" });
        const res = await send(r, { dispatcher: agent });
        expect(res.status).toBe(200);
        verifyResponse(apiKey, r, res);
        // Signed for http:// but sent over https: the target URI differs.
        const wrongScheme = sign(apiKey, { method: "GET", url: running.url.replace("https:", "http:") + "/v1/grants" });
        const refused = await send(wrongScheme, { url: running.url + "/v1/grants", dispatcher: agent });
        expect(refused.json.error.code).toBe("signature_invalid");
      } finally {
        await agent.close();
        await running.close();
      }
    } finally {
      tmp.remove();
    }
  });
});

describe("requests the server refuses before any handler", () => {
  it("a body over the limit is 413 payload_too_large (signed)", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", { pad: "x".repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("payload_too_large");
    verifyResponse(v.apiKey, res.req, res);
  });

  it("a body that is not JSON is 415", async () => {
    const res = await call(v, "POST", "/v1/credentials/retrieve", "a=b", { contentType: "application/x-www-form-urlencoded" });
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe("unsupported_media_type");
  });

  it("unknown paths are 404 not_found and wrong methods 405", async () => {
    const nf = await request(v.url + "/v1/nothing");
    expect(nf.statusCode).toBe(404);
    expect(((await nf.body.json()) as any).error.code).toBe("not_found");
    const na = await request(v.url + "/v1/health", { method: "DELETE" });
    expect(na.statusCode).toBe(405);
    expect(((await na.body.json()) as any).error.code).toBe("method_not_allowed");
  });

  it("unsigned requests to signed routes are 401 signature_missing", async () => {
    const res = await request(v.url + "/v1/grants");
    expect(res.statusCode).toBe(401);
    expect(((await res.body.json()) as any).error.code).toBe("signature_missing");
  });
});

describe("approval expiry", () => {
  it("a pending approval past its expiry reads expired and can no longer be approved", async () => {
    await setProviderConfig({ dataDir: v.dataDir, provider: "github", baseUrl: "http://127.0.0.1:9" });
    const s = await addManagedSecret({ dataDir: v.dataDir, provider: "github", value: "ghp_expiry" });
    const g = await issueGrant({ dataDir: v.dataDir, secretId: s.id, principal: "system", policy: { requireApproval: true } });
    const res = await call(v, "POST", "/v1/proxy", {
      grant: { grantId: g.grantId },
      provider: "github",
      request: { method: "GET", url: "http://127.0.0.1:9/user", headers: {}, body: null },
    });
    const { approvalId } = res.json.error.details;
    const db = await openTestDb(v.dataDir);
    await db.run("UPDATE approvals SET expires_at = ? WHERE id = ?", new Date(Date.now() - 1000).toISOString(), approvalId);
    await db.close();
    expect((await call(v, "GET", `/v1/approvals/${approvalId}`)).json.status).toBe("expired");
    await expect(approve({ dataDir: v.dataDir, approvalId })).rejects.toThrow(/expired, not pending/);
  });
});
