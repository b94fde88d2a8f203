// Headless sign-in and connect (RFC 8628 device authorization grant) end to end: the test IDP
// (oidc-provider with its device flow on) is the app's IDP and GitHub's authorization server; the
// SDK runs with flow "device" and shows codes through onDeviceCode, and "another device" (Chromium)
// enters them at the IDP. The new grant then calls the GitHub stand-in through the vault.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectDeniedError, type AlterVault, type DeviceCodePrompt } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { setOAuthEndpoints, getIdp } from "../support/vault-admin.js";
import { auditDuring, callRows, CONNECT_SCOPES, startE2E, type E2E } from "../support/e2e.js";
import { enterDeviceCode, type DeviceEntryOptions } from "../support/device.js";

let world: E2E;
const errors: unknown[] = [];
const shown: DeviceCodePrompt[] = [];

beforeAll(async () => {
  world = await startE2E({ providers: ["github", "slack"], idp: { deviceFlow: true } });
  // GitHub's catalog entry names github.com's device endpoint; here its server is the test IDP.
  await setOAuthEndpoints({ dataDir: world.dataDir, provider: "github", deviceAuthorizationUrl: `${world.idp.issuer}/device/auth` });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

/** onDeviceCode that has "another device" enter the code; `done` settles when its pages did. */
function person(entry: DeviceEntryOptions): { onDeviceCode: (p: DeviceCodePrompt) => void; done: () => Promise<unknown> } {
  const pages: Promise<unknown>[] = [];
  return {
    onDeviceCode: (p) => {
      shown.push(p);
      pages.push(
        (async () => {
          const page = await (await world.browser()).newPage();
          try {
            await (await world.browser()).context.clearCookies();
            return await enterDeviceCode(page, p, entry);
          } finally {
            await page.close();
          }
        })(),
      );
    },
    done: () => Promise.all(pages),
  };
}

const FLOW = { flow: "device", pollIntervalMs: 200, timeoutMs: 60_000 } as const;

describe("authenticate() on a machine with no browser", () => {
  let alice: AlterVault;

  it("shows a user code, and the person signing in elsewhere makes the SDK act as them", async () => {
    // `vault idp set` read the endpoint from the IDP's discovery document.
    expect((await getIdp({ dataDir: world.dataDir }))?.discovery.deviceAuthorizationEndpoint).toBe(`${world.idp.issuer}/device/auth`);
    alice = world.client({ caller: "e2e-device", callerType: "agent", retry: false });
    const p = person({ username: "alice" });
    const { result, rows } = await auditDuring(world, () => alice.authenticate({ ...FLOW, onDeviceCode: p.onDeviceCode }));
    expect(await p.done()).toEqual(["done"]);
    expect(result).toMatchObject({ subject: "alice", flow: "device" });
    expect(shown.at(-1)).toMatchObject({ what: "Sign in", provider: undefined, verificationUri: `${world.idp.issuer}/device` });
    expect(shown.at(-1)!.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(rows.filter((r) => r.action === "authenticate")).toMatchObject([{ outcome: "success", principalType: "user", details: { flow: "device" } }]);
  }, 90_000);

  it("connect() then runs the device grant at GitHub's server; the grant calls the stand-in in both modes", async () => {
    const p = person({ username: "alice", complete: true });
    const { result: grants, rows } = await auditDuring(world, () =>
      alice.connect({ providers: ["github"], scopes: { github: CONNECT_SCOPES.github! }, ...FLOW, onDeviceCode: p.onDeviceCode }),
    );
    expect(await p.done()).toEqual(["done"]);
    expect(shown.at(-1)).toMatchObject({ what: "Connect github", provider: "github" });
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ provider: "github", source: "oauth", principal: { type: "user" }, account: "alice@example.test" });
    const connect = rows.filter((r) => r.action === "connect");
    expect(connect).toMatchObject([{ outcome: "success", provider: "github", grantId: grants[0]!.grantId, details: { flow: "device", scopes: expect.arrayContaining(["repo"]) } }]);

    const github = (mode: "retrieve" | "proxy") => createGithubClient(alice, { baseUrl: world.standins.github!.url, mode });
    for (const mode of ["retrieve", "proxy"] as const) {
      const from = world.standins.github!.requests.length;
      const { result, rows: callAudit } = await auditDuring(world, () => github(mode).repos.get(grants[0]!.grantId, { owner: "alice", repo: "notes" }));
      expect(typeof result.id).toBe("number");
      const token = /^Bearer (.+)$/.exec(world.standins.github!.requests[from]!.headers.authorization ?? "")?.[1];
      expect(world.idp.isActiveAccessToken(token!)).toBe(true);
      expect(callRows(callAudit)).toMatchObject([{ grantId: grants[0]!.grantId, outcome: "success" }]);
    }
  }, 90_000);

  it("a person who aborts at the code page ends connect with ConnectDeniedError and a denied audit row", async () => {
    const p = person({ username: "alice", decision: "abort" });
    const { result: err, rows } = await auditDuring(world, () =>
      alice.connect({ providers: ["github"], scopes: { github: ["openid"] }, ...FLOW, onDeviceCode: p.onDeviceCode }).catch((e: unknown) => (errors.push(e), e)),
    );
    expect(await p.done()).toEqual(["declined"]);
    expect(err).toBeInstanceOf(ConnectDeniedError);
    expect(err).toMatchObject({ code: "connect_denied", grants: [], providers: [{ provider: "github", status: "denied" }] });
    expect(rows.filter((r) => r.action === "connect")).toMatchObject([{ outcome: "denied", provider: "github", errorCode: "connect_denied", details: { flow: "device", rule: "access-denied" } }]);
  }, 90_000);

  it("a person who declines the sign-in at the consent page ends authenticate() with ConnectDeniedError", async () => {
    const bob = world.client({ caller: "e2e-device", retry: false });
    const p = person({ username: "bob", decision: "deny" });
    const err = await bob.authenticate({ ...FLOW, onDeviceCode: p.onDeviceCode }).catch((e: unknown) => (errors.push(e), e));
    expect(await p.done()).toEqual(["declined"]);
    expect(err).toBeInstanceOf(ConnectDeniedError);
    expect(err).toMatchObject({ code: "connect_denied" });
  }, 90_000);

  it.skipIf(process.platform !== "linux")("flow \"auto\" (the default) on a machine with no display runs the device grant by itself", async () => {
    const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY, BROWSER: process.env.BROWSER };
    for (const k of Object.keys(saved)) delete process.env[k];
    try {
      const p = person({ username: "alice" });
      const result = await world.client({ retry: false }).authenticate({ pollIntervalMs: 200, timeoutMs: 60_000, onDeviceCode: p.onDeviceCode });
      expect(await p.done()).toEqual(["done"]);
      expect(result).toMatchObject({ subject: "alice", flow: "device" });
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  }, 90_000);

  it("a provider with no device endpoint (Slack): the connect URL is shown instead, and the reason logged", async () => {
    const opened: string[] = [];
    const p = person({ username: "alice" });
    const err = await alice
      .connect({ providers: ["slack"], scopes: { slack: ["openid"] }, ...FLOW, timeoutMs: 1_500, onDeviceCode: p.onDeviceCode, openBrowser: (url) => void opened.push(url) })
      .catch((e: unknown) => e);
    expect(shown.filter((s) => s.provider === "slack")).toEqual([]);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(new RegExp(`^${world.vault.url}/connect/`));
    expect(err).toMatchObject({ code: "connect_timeout" });
    expect(world.logs.join("\n")).toMatch(/Connect slack: no device code \(slack has no device authorization endpoint/);
  }, 30_000);

  it("no token, device code or client secret in audit rows, logs, the data folder or the errors", async () => {
    const issued = world.idp.issuedSecrets();
    expect(issued.length).toBeGreaterThanOrEqual(5); // a device code per flow, the connects' access tokens
    world.canaries.push(...issued);
    expect(await world.findSecrets([...errors, shown])).toEqual([]);
  });
});
