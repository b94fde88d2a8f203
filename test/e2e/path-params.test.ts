// A path parameter can never change the endpoint, end to end: the generated GitHub client, the
// local vault and the GitHub stand-in. `repos.delete({ owner: "..", repo: "user" })` would be
// `DELETE /user` once the URL is parsed; the runtime refuses it before anything is sent, in both
// modes, and the vault refuses such a URL on its own when a caller sends one anyway (defence in
// depth), so an audit row never names one operation while another endpoint was called.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterValueError, AlterVault } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { readAudit, type AuditRow } from "../support/vault-admin.js";
import { DOT_SEGMENT_VALUES } from "../support/path-attacks.js";
import { startPeers, type Peers } from "../runtime/support/peers.js";
import { call, type TestVault } from "../vault/helpers.js";

const MODES = ["retrieve", "proxy"] as const;
let p: Peers;
let vault: AlterVault;
let grant: string;

beforeAll(async () => {
  p = await startPeers("github");
  grant = await p.grant("ghp_CANARYpathParams0123456789");
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
});
afterAll(async () => {
  await vault?.close();
  await p?.close();
});

const rowsSince = async (count: number): Promise<AuditRow[]> => (await readAudit({ dataDir: p.dataDir })).slice(count);

describe("the runtime refuses a path value that would change the endpoint", () => {
  it.each(MODES.flatMap((mode) => DOT_SEGMENT_VALUES.map(([value, why]) => [mode, value, why] as const)))("%s mode: owner %j (%s)", async (mode, value) => {
    const github = createGithubClient(vault, { baseUrl: p.standin.url, mode });
    const requests = p.standin.requests.length;
    const audited = (await readAudit({ dataDir: p.dataDir })).length;
    const error = await github.repos.delete(grant, { owner: value, repo: "user" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlterValueError);
    expect((error as Error).message).toMatch(/^repos\/delete: parameter "owner" \(in path\) would change the endpoint of DELETE \/repos\/\{owner\}\/\{repo\}/);
    // Nothing reached the provider or the vault: no DELETE /user, no retrieval, no audit row.
    expect(p.standin.requests.slice(requests)).toEqual([]);
    expect(await rowsSince(audited)).toEqual([]);
  });
});

describe("the vault refuses such a URL itself", () => {
  // As a caller could write it without the runtime: raw dot segments, encoded ones, a backslash,
  // a tab the URL parser would drop.
  const urls: [string, string][] = [
    ...DOT_SEGMENT_VALUES.map(([value, why]) => [`/repos/${value}/user`, why] as [string, string]),
    ["/repos/../user", "the request as reported in the issue"],
    ["/repos/.\t./user", "a tab inside a dot segment (URL parsing drops it)"],
    ["/repos/o/r/../../../user", "several parent segments"],
  ];
  const body = (url: string, proxy: boolean) => ({
    grant: { grantId: grant },
    provider: "github",
    request: { operationId: "repos/delete", method: "DELETE", url: p.standin.url + url, ...(proxy ? { headers: {}, body: null } : {}) },
    context: { caller: "path-params" },
  });

  it.each(MODES.flatMap((mode) => urls.map(([url, why]) => [mode, url, why] as const)))("%s: %j (%s)", async (mode, url) => {
    const v = { apiKey: p.apiKey, url: p.vault.url } as TestVault;
    const requests = p.standin.requests.length;
    const audited = (await readAudit({ dataDir: p.dataDir })).length;
    const res = await call(v, "POST", mode === "proxy" ? "/v1/proxy" : "/v1/credentials/retrieve", body(url, mode === "proxy"));
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_request");
    expect(res.json.error.message).toMatch(/^\/request\/url/);
    expect(res.json.credential).toBeUndefined();
    expect(p.standin.requests.slice(requests)).toEqual([]);
    // The refusal is audited as a refusal: no credential left, nothing was called.
    const rows = await rowsSince(audited);
    expect(rows.map((r) => [r.action, r.outcome, r.errorCode, r.operationId])).toEqual([[mode === "proxy" ? "proxy.call" : "credential.retrieve", "denied", "invalid_request", "repos/delete"]]);
  });
});

describe("what is audited is what was called", () => {
  it.each(MODES)("%s mode: the row's method and URL are the request the provider received", async (mode) => {
    const github = createGithubClient(vault, { baseUrl: p.standin.url, mode });
    const requests = p.standin.requests.length;
    const audited = (await readAudit({ dataDir: p.dataDir })).length;
    p.standin.script("repos/delete", { status: 204 });
    await github.repos.delete(grant, { owner: "octo.org", repo: "hello...world" });
    const [sent] = p.standin.requests.slice(requests);
    expect(`${sent!.method} ${sent!.path}`).toBe("DELETE /repos/octo.org/hello...world");
    const [row] = (await rowsSince(audited)).filter((r) => r.action === (mode === "proxy" ? "proxy.call" : "credential.retrieve"));
    expect(row).toMatchObject({ operationId: "repos/delete", method: "DELETE", outcome: "success" });
    expect(new URL(row!.url!).pathname).toBe(new URL(p.standin.url + sent!.path).pathname);
  });
});
