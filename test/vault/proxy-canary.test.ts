// What the vault relays in proxy mode, for each kind of injection, against a provider that echoes
// the credential back in every way it can (test/support/canary-forms.ts): the raw relay (headers
// and body of POST /v1/proxy), a redirect (relayed with redirect: "manual", Location scrubbed), the stored result
// of an approved call and the approval status route, and the audit rows. Seen from the wire, with
// the test's own signer (test/vault/helpers.ts), not through the runtime (which scrubs again).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approve, readAudit, withVault } from "../support/vault-admin.js";
import { openApprovalResult } from "../../vault/approvals/store.js";
import { CANARY_CREDENTIALS, ECHOES, carried, findLeak, type CanaryCredential } from "../support/canary-forms.js";
import { startPeers, type Peers } from "../runtime/support/peers.js";
import { call, type TestVault } from "./helpers.js";

const relayed = (json: { status: number; headers: Record<string, string>; body: string }) =>
  `${json.status}\n${JSON.stringify(json.headers)}\n${Buffer.from(json.body, "base64").toString("latin1")}\n${json.body}`;

describe.each(CANARY_CREDENTIALS)("the vault relaying a $name credential's echoes", (cred: CanaryCredential) => {
  let p: Peers;
  let v: TestVault;
  let grant: string;
  let gated: string;
  const body = (grantId: string) => ({
    grant: { grantId },
    provider: "github",
    // `manual`: a redirect echo is relayed as it is, to see its Location scrubbed (following one
    // that quotes the credential is test/e2e/redirects.test.ts).
    request: { operationId: "repos/get", method: "GET", url: `${p.standin.url}/repos/o/r`, headers: { accept: "application/json" }, body: null, redirect: "manual" },
    context: { caller: "proxy-canary", callerType: "agent" },
  });

  beforeAll(async () => {
    p = await startPeers("github", { catalog: { injection: cred.injection } });
    v = { apiKey: p.apiKey, url: p.vault.url } as TestVault;
    const type = cred.secret.type === "token" ? {} : { type: cred.secret.type };
    grant = await p.grant(cred.secret.value, type);
    gated = await p.grant(cred.secret.value, { ...type, policy: { requireApproval: true } });
  });
  afterAll(async () => {
    await p?.close();
  });

  it.each(ECHOES.map((e) => [e.name, e] as const))("POST /v1/proxy relays %s scrubbed", async (_name, echo) => {
    const from = p.standin.requests.length;
    p.standin.script("repos/get", echo.response(cred, p.standin.origin));
    const res = await call(v, "POST", "/v1/proxy", body(grant));
    expect(res.status).toBe(200);
    const sent = p.standin.requests.slice(from);
    // One request, accepted; a 302 is relayed as it is (redirect: "manual").
    expect(sent.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /repos/o/r ${res.json.status}`]);
    const text = relayed(res.json);
    expect(findLeak(cred, text, carried(cred, sent[0]!).headerValue)).toBeUndefined();
    expect(text).toContain("[REDACTED]");
  });

  it("with redirect: \"manual\" a redirect is relayed with its status and a scrubbed Location, and not followed", async () => {
    const redirect = ECHOES.find((e) => e.name.startsWith("redirect"))!;
    const from = p.standin.requests.length;
    p.standin.script("repos/get", redirect.response(cred, p.standin.origin));
    const res = await call(v, "POST", "/v1/proxy", body(grant));
    expect(res.json.status).toBe(302);
    const location: string = res.json.headers.location;
    expect(location.startsWith(`${p.standin.origin}/user?access_token=`)).toBe(true);
    expect(location).toContain("[REDACTED]");
    expect(findLeak(cred, location)).toBeUndefined();
    expect(p.standin.requests.slice(from).map((r) => r.path)).toEqual(["/repos/o/r"]);
  });

  it.each(ECHOES.map((e) => [e.name, e] as const))("an approved call's stored result and status route hold %s scrubbed", async (_name, echo) => {
    const asked = await call(v, "POST", "/v1/proxy", body(gated));
    expect(asked.json.error.code).toBe("approval_required");
    const approvalId: string = asked.json.error.details.approvalId;
    p.standin.script("repos/get", echo.response(cred, p.standin.origin));
    await approve({ dataDir: p.dataDir, approvalId });
    const stored = await withVault({ dataDir: p.dataDir }, (s) => openApprovalResult(s.store, s.crypto, approvalId));
    expect(typeof stored).toBe("object");
    const status = await call(v, "GET", `/v1/approvals/${approvalId}`);
    expect(status.json.status).toBe("executed");
    for (const text of [relayed(stored as never), relayed(status.json.result)]) {
      expect(findLeak(cred, text)).toBeUndefined();
      expect(text).toContain("[REDACTED]");
    }
  });

  it("a result stored before results were scrubbed is withheld by the status route", async () => {
    const asked = await call(v, "POST", "/v1/proxy", body(gated));
    const approvalId: string = asked.json.error.details.approvalId;
    await approve({ dataDir: p.dataDir, approvalId });
    // What an older vault stored: the provider's answer as it came, with no scrubbed mark.
    const legacy = { status: 200, headers: { "x-echo": cred.parts[0]! }, body: Buffer.from(cred.parts.join(" ")).toString("base64") };
    await withVault({ dataDir: p.dataDir }, async (s) => {
      await s.store.sql.run("UPDATE approvals SET result_sealed = ? WHERE id = ?", [s.crypto.sealJson("approval-result", approvalId, legacy), approvalId]);
    });
    const status = await call(v, "GET", `/v1/approvals/${approvalId}`);
    expect(status.json).toMatchObject({ status: "executed", result: null, error: { code: "result_withheld" } });
    expect(findLeak(cred, status.body.toString("latin1"))).toBeUndefined();
  });

  it("the audit rows hold no form of it", async () => {
    const rows = await readAudit({ dataDir: p.dataDir });
    expect(rows.filter((r) => r.action === "proxy.call").length).toBeGreaterThan(ECHOES.length);
    expect(findLeak(cred, JSON.stringify(rows))).toBeUndefined();
  });
});
