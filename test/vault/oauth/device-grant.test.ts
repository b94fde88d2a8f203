// The device authorization grant (RFC 8628) at its protocol edge: what each token-endpoint answer
// means for the next poll (DEVICE_POLL_RULES), which device authorization answers the vault
// takes, and the vault polling a scripted authorization server for a headless connect made by
// the SDK: slow_down honoured, expiry (the server's and the code's own lifetime), abort, a
// refused device authorization falling back to the connect URL, and no device_code or token in
// anything the SDK or the vault shows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlterVault, ConnectDeniedError, DeviceCodeExpiredError, type DeviceCodePrompt } from "alter-gen/runtime";
import { devicePollStep, parseDeviceAnswer, type DevicePollAnswer } from "../../../vault/oauth/device-grant.js";
import { setOAuthEndpoints, readAudit } from "../../support/vault-admin.js";
import { tokenJson, type Answer } from "../../support/oauth-server.js";
import { startScripted, type Scripted } from "./scripted.js";

describe("DEVICE_POLL_RULES", () => {
  const err = (error: string): DevicePollAnswer => ({ kind: "error", error });
  it.each<[string, DevicePollAnswer, number, { rule: string; outcome: string; intervalS: number }]>([
    ["a token", { kind: "token", body: {} }, 5, { rule: "issued", outcome: "token", intervalS: 5 }],
    ["authorization_pending", err("authorization_pending"), 5, { rule: "authorization-pending", outcome: "wait", intervalS: 5 }],
    ["slow_down adds 5 s", err("slow_down"), 5, { rule: "slow-down", outcome: "wait", intervalS: 10 }],
    ["slow_down again adds 5 s more", err("slow_down"), 10, { rule: "slow-down", outcome: "wait", intervalS: 15 }],
    ["slow_down stops at 60 s", err("slow_down"), 58, { rule: "slow-down", outcome: "wait", intervalS: 60 }],
    ["access_denied", err("access_denied"), 5, { rule: "access-denied", outcome: "denied", intervalS: 5 }],
    ["expired_token", err("expired_token"), 5, { rule: "expired-token", outcome: "expired", intervalS: 5 }],
    ["unreachable backs off like slow_down", { kind: "unreachable" }, 5, { rule: "unreachable", outcome: "wait", intervalS: 10 }],
    ["invalid_grant", err("invalid_grant"), 5, { rule: "other-error", outcome: "failed", intervalS: 5 }],
    ["invalid_client", err("invalid_client"), 5, { rule: "other-error", outcome: "failed", intervalS: 5 }],
  ])("%s", (_name, answer, interval, want) => {
    expect(devicePollStep(answer, interval)).toEqual(want);
  });
});

describe("the device authorization answer", () => {
  const good = { device_code: "dc", user_code: "ABCD-EFGH", verification_uri: "https://example.com/device", expires_in: 900 };
  it.each<[string, Record<string, unknown>, RegExp | { intervalS: number; uri?: string; complete?: string | null }]>([
    ["RFC 8628's example, no interval: 5 s", good, { intervalS: 5, complete: null }],
    ["an interval and a complete URI", { ...good, interval: 2, verification_uri_complete: "https://example.com/device?c=1" }, { intervalS: 2, complete: "https://example.com/device?c=1" }],
    ["Google's verification_url spelling", { ...good, verification_uri: undefined, verification_url: "https://www.google.com/device" }, { intervalS: 5, uri: "https://www.google.com/device" }],
    ["an interval of 0 polls no faster than 1 s", { ...good, interval: 0 }, { intervalS: 1 }],
    ["no device_code", { ...good, device_code: undefined }, /no usable device_code/],
    ["a user_code with a control character", { ...good, user_code: "AB\nCD" }, /no usable user_code/],
    ["an http verification URI off loopback", { ...good, verification_uri: "http://example.com/device" }, /verification_uri must be an https URL/],
    ["no expires_in", { ...good, expires_in: undefined }, /no usable expires_in/],
    ["a negative interval", { ...good, interval: -1 }, /unusable interval/],
  ])("%s", (_name, body, want) => {
    if (want instanceof RegExp) {
      expect(() => parseDeviceAnswer(body, 0)).toThrow(want);
      return;
    }
    const parsed = parseDeviceAnswer(body, 0);
    expect(parsed.intervalS).toBe(want.intervalS);
    if (want.uri) expect(parsed.prompt.verificationUri).toBe(want.uri);
    if (want.complete !== undefined) expect(parsed.prompt.verificationUriComplete).toBe(want.complete);
    expect(parsed.prompt).not.toHaveProperty("deviceCode");
  });
});

const DEVICE_CODE = "dc-CANARY-device-7f3e1b";
const ACCESS = "at-CANARY-device-20c9";

describe("headless connect against a scripted authorization server", () => {
  let s: Scripted;
  let sdk: AlterVault;
  const logs: string[] = [];
  const errors: unknown[] = [];
  const prompts: DeviceCodePrompt[] = [];
  let stderr = "";
  const realWrite = process.stderr.write;

  beforeAll(async () => {
    s = await startScripted();
    await setOAuthEndpoints({ dataDir: s.dataDir, provider: s.provider, deviceAuthorizationUrl: s.as.endpoints.device });
    const log = (level: string) => (m: string, f?: unknown) => logs.push(`${level} ${m} ${JSON.stringify(f ?? {})}`);
    sdk = new AlterVault({ apiKey: s.apiKey, baseUrl: s.vault.url, retry: false, logger: { warn: log("warn"), info: log("info"), debug: log("debug") } });
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => ((stderr += String(chunk)), write(chunk, ...rest))) as typeof process.stderr.write;
  }, 60_000);

  afterAll(async () => {
    process.stderr.write = realWrite;
    await sdk?.close();
    await s?.close();
  });

  beforeEach(() => {
    s.as.deviceAuthorization = () => ({ json: { device_code: DEVICE_CODE, user_code: "WDJB-MJHT", verification_uri: `${s.as.url}/device`, expires_in: 300, interval: 1 } });
  });

  /** The token endpoint answers `script` in order, then the last one again. */
  const script = (...answers: Answer[]) => {
    let i = 0;
    s.as.token = () => answers[Math.min(i++, answers.length - 1)]!;
  };
  const oauthError = (error: string): Answer => ({ status: 400, json: { error } });
  const connect = (extra: Record<string, unknown> = {}) =>
    sdk.connect({ providers: [s.provider], flow: "device", pollIntervalMs: 100, timeoutMs: 40_000, onDeviceCode: (p) => void prompts.push(p), ...extra });
  const deviceTokenRequests = () => s.as.requests("/token").filter((r) => r.form.get("grant_type") === "urn:ietf:params:oauth:grant-type:device_code");

  it("honours interval and slow_down (+5 s), then stores the grant as a browser connect does", async () => {
    script(oauthError("slow_down"), oauthError("authorization_pending"), { json: tokenJson({ access_token: ACCESS, scope: "default" }) });
    const before = deviceTokenRequests().length;
    const started = Date.now();
    const grants = await connect();
    const polls = deviceTokenRequests().slice(before);
    expect(polls).toHaveLength(3);
    // The first poll after the interval (1 s); after slow_down every gap is at least 1 + 5 s.
    expect(polls[0]!.at - started).toBeGreaterThanOrEqual(900);
    expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(6_000);
    expect(polls[2]!.at - polls[1]!.at).toBeGreaterThanOrEqual(6_000);
    for (const p of polls) expect(p.form.get("device_code")).toBe(DEVICE_CODE);
    const deviceRequest = s.as.requests("/device_authorization").at(-1)!;
    expect(deviceRequest.form.get("client_id")).toBe("asana-oauth-app");
    expect(prompts.at(-1)).toMatchObject({ provider: s.provider, userCode: "WDJB-MJHT", verificationUri: `${s.as.url}/device` });
    // The server's 300 s are cut to the session's 10 minutes at most: here they fit.
    expect(Date.parse(prompts.at(-1)!.expiresAt) - started).toBeGreaterThan(295_000);
    expect(Date.parse(prompts.at(-1)!.expiresAt) - started).toBeLessThanOrEqual(301_000);
    expect(grants).toMatchObject([{ provider: s.provider, source: "oauth", scopes: ["default"], principal: { type: "system" } }]);
    const rows = (await readAudit({ dataDir: s.dataDir })).filter((r) => r.action === "connect");
    expect(rows.at(-1)).toMatchObject({ outcome: "success", grantId: grants[0]!.grantId, details: { flow: "device", rule: "issued" } });
    expect(await s.retrieve(grants[0]!.grantId)).toBe(ACCESS);
  }, 40_000);

  it("a code living longer than its session is shown as ending with the session", async () => {
    script(oauthError("access_denied"));
    s.as.deviceAuthorization = () => ({ json: { device_code: DEVICE_CODE, user_code: "WDJB-MJHT", verification_uri: `${s.as.url}/device`, expires_in: 1800, interval: 1 } });
    const started = Date.now();
    await connect().catch((e: unknown) => errors.push(e));
    const left = Date.parse(prompts.at(-1)!.expiresAt) - started;
    expect(left).toBeGreaterThan(590_000);
    expect(left).toBeLessThanOrEqual(601_000);
  }, 20_000);

  it.each([
    ["expired_token from the server", () => script(oauthError("expired_token")), 300, "expired-token"],
    ["the code's own lifetime running out", () => script(oauthError("authorization_pending")), 2, "code-lifetime-over"],
  ])("%s ends connect with DeviceCodeExpiredError", async (_name, setup, expiresIn, rule) => {
    setup();
    s.as.deviceAuthorization = () => ({ json: { device_code: DEVICE_CODE, user_code: "WDJB-MJHT", verification_uri: `${s.as.url}/device`, expires_in: expiresIn, interval: 1 } });
    const err = await connect().catch((e: unknown) => (errors.push(e), e));
    expect(err).toBeInstanceOf(DeviceCodeExpiredError);
    expect(err).toMatchObject({ code: "device_code_expired", retryable: true, providers: [{ provider: s.provider, status: "failed" }] });
    const row = (await readAudit({ dataDir: s.dataDir })).filter((r) => r.action === "connect").at(-1);
    expect(row).toMatchObject({ outcome: "error", errorCode: "device_code_expired", details: { flow: "device", rule } });
  }, 20_000);

  it("access_denied ends connect with ConnectDeniedError", async () => {
    script(oauthError("access_denied"));
    const err = await connect().catch((e: unknown) => (errors.push(e), e));
    expect(err).toBeInstanceOf(ConnectDeniedError);
  }, 20_000);

  it("an abort stops the SDK, and with it the vault's polling", async () => {
    script(oauthError("authorization_pending"));
    const controller = new AbortController();
    const pending = connect({ signal: controller.signal, onDeviceCode: () => void setTimeout(() => controller.abort(new Error("stopped by the test")), 1_500) });
    await expect(pending).rejects.toThrow("stopped by the test");
    const count = deviceTokenRequests().length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(deviceTokenRequests().length).toBe(count);
  }, 20_000);

  it("concurrent status polls send one token request per interval", async () => {
    script(oauthError("authorization_pending"));
    const created = await s.transport.request<{ sessionId: string; device: unknown[] }>("POST", "/v1/connect/sessions", { body: { providers: [s.provider], flow: "device" } });
    expect(created.data.device).toHaveLength(1);
    expect(JSON.stringify(created.data)).not.toContain(DEVICE_CODE);
    const before = deviceTokenRequests().length;
    await new Promise((r) => setTimeout(r, 1_100));
    const statuses = await Promise.all(Array.from({ length: 6 }, () => s.transport.request<{ status: string }>("GET", `/v1/connect/sessions/${created.data.sessionId}`)));
    expect(statuses.map((r) => r.data.status)).toEqual(Array(6).fill("pending"));
    expect(deviceTokenRequests().length - before).toBe(1);
  });

  it("a refused device authorization: the connect URL goes to the opener, and the reason to the log", async () => {
    s.as.deviceAuthorization = () => oauthError("unauthorized_client");
    const opened: string[] = [];
    const err = await connect({ timeoutMs: 500, openBrowser: (url: string) => void opened.push(url) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "connect_timeout" });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toContain(`${s.vault.url}/connect/`);
    expect(logs.join("\n")).toContain(`no device code (${s.provider} refused the device authorization: ${s.provider}'s device authorization endpoint refused the request: unauthorized_client.)`);
  });

  it("the device_code and the token appear nowhere: SDK output, logs, errors, audit rows, stored rows", async () => {
    const stored = await s.sql<Record<string, unknown>>("SELECT * FROM device_authorizations");
    expect(stored.length).toBeGreaterThan(0);
    const places = [stderr, logs.join("\n"), JSON.stringify(prompts), JSON.stringify(await readAudit({ dataDir: s.dataDir })), JSON.stringify(stored)];
    for (const e of errors) places.push(String((e as Error).stack), JSON.stringify(e), String(e));
    for (const text of places) {
      expect(text).not.toContain(DEVICE_CODE);
      expect(text).not.toContain(ACCESS);
    }
    // Ended authorizations keep no sealed code either.
    expect(stored.filter((r) => r.status !== "pending").every((r) => r.device_code_sealed === null)).toBe(true);
  });
});

describe("the catalog's device endpoint pairs with the catalog's token endpoint", () => {
  let s: Scripted;
  let sdk: AlterVault;
  const logs: string[] = [];

  beforeAll(async () => {
    // GitHub's token URL points at the scripted server (as for GitHub Enterprise Server).
    s = await startScripted({ provider: "github" });
    sdk = new AlterVault({ apiKey: s.apiKey, baseUrl: s.vault.url, retry: false, logger: { warn: () => {}, info: (m) => void logs.push(m) } });
  }, 60_000);

  afterAll(async () => {
    await sdk?.close();
    await s?.close();
  });

  it("github.com's device endpoint is not used with another token URL; its own override is", async () => {
    const opened: string[] = [];
    const prompts: DeviceCodePrompt[] = [];
    const run = () =>
      sdk.connect({ providers: ["github"], flow: "device", pollIntervalMs: 100, timeoutMs: 300, openBrowser: (url: string) => void opened.push(url), onDeviceCode: (p) => void prompts.push(p) }).catch((e: unknown) => e);
    expect(await run()).toMatchObject({ code: "connect_timeout" });
    expect(opened).toHaveLength(1);
    expect(logs.join("\n")).toContain("github has no device authorization endpoint (RFC 8628) in the catalog or the vault's OAuth settings");
    expect(s.as.requests("/device_authorization")).toHaveLength(0);

    await setOAuthEndpoints({ dataDir: s.dataDir, provider: "github", deviceAuthorizationUrl: s.as.endpoints.device });
    s.as.deviceAuthorization = () => ({ json: { device_code: DEVICE_CODE, user_code: "WDJB-MJHT", verification_uri: `${s.as.url}/device`, expires_in: 300, interval: 1 } });
    s.as.token = () => ({ status: 400, json: { error: "authorization_pending" } });
    expect(await run()).toMatchObject({ code: "connect_timeout" });
    expect(opened).toHaveLength(1);
    expect(prompts).toMatchObject([{ provider: "github", userCode: "WDJB-MJHT" }]);
  }, 30_000);
});
