// What replaying real GitHub traffic showed (issue 17), end to end through the generated GitHub
// client, the local vault and the GitHub stand-in (which validates each request against the
// document), in both modes: an empty path parameter where the document allows one, the Accept
// header that asks for the representation the response type was built from, and an operation's
// own server moved with the client's `servers` option.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterValueError, AlterVault } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { readAudit } from "../support/vault-admin.js";
import { startPeers, type Peers } from "../runtime/support/peers.js";

const MODES = ["retrieve", "proxy"] as const;
let p: Peers;
let vault: AlterVault;
let grant: string;

beforeAll(async () => {
  p = await startPeers("github");
  grant = await p.grant("ghp_CANARYrealTraffic0123456789");
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
});
afterAll(async () => {
  await vault?.close();
  await p?.close();
});

describe("an empty path parameter where the document allows one", () => {
  it.each(MODES)("%s mode: repos.getContent with path \"\" lists the root (GET …/contents/)", async (mode) => {
    const github = createGithubClient(vault, { baseUrl: p.standin.url, mode });
    const before = p.standin.requests.length;
    const audited = (await readAudit({ dataDir: p.dataDir })).length;
    await github.repos.getContent(grant, { owner: "octo", repo: "hello", path: "" });
    const sent = p.standin.requests.slice(before);
    expect(sent.map((r) => [r.method, r.path, r.operationId])).toEqual([["GET", "/repos/octo/hello/contents/", "repos/get-content"]]);
    const rows = (await readAudit({ dataDir: p.dataDir })).slice(audited);
    expect(rows.map((r) => [r.operationId, new URL(r.url!).pathname])).toEqual([["repos/get-content", "/repos/octo/hello/contents/"]]);
  });

  it.each([
    ["a dot segment in the empty-able parameter", () => ({ owner: "octo", repo: "hello", path: ".." }), /parameter "path" \(in path\) would change the endpoint/],
    ["an empty branch, whose template without it is the branch listing", () => ({ owner: "octo", repo: "hello", branch: "" }), /parameter "branch" \(in path\) is required/],
    ["an empty owner in the middle of the path", () => ({ owner: "", repo: "hello", path: "" }), /parameter "owner" \(in path\) is required/],
  ] as const)("still refused: %s", async (_name, params, message) => {
    const github = createGithubClient(vault, { baseUrl: p.standin.url });
    const before = p.standin.requests.length;
    const call = "branch" in params() ? github.repos.getBranch(grant, params() as { owner: string; repo: string; branch: string }) : github.repos.getContent(grant, params() as { owner: string; repo: string; path: string });
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlterValueError);
    expect((error as Error).message).toMatch(message);
    expect(p.standin.requests.slice(before)).toEqual([]);
  });
});

describe("the Accept header asks for the representation the response is typed from", () => {
  it.each([
    ["repos.getContent (typed from application/json, listed after application/vnd.github.object)", "application/json", (g: ReturnType<typeof createGithubClient>) => g.repos.getContent(grant, { owner: "octo", repo: "hello", path: "README.md" })],
    ["markdown.render (text/html)", "text/html", (g: ReturnType<typeof createGithubClient>) => g.markdown.render(grant, { body: { text: "**hi**" } })],
  ] as const)("%s", async (_name, accept, run) => {
    for (const mode of MODES) {
      const before = p.standin.requests.length;
      await run(createGithubClient(vault, { baseUrl: p.standin.url, mode }));
      expect(p.standin.requests.slice(before).map((r) => r.headers.accept)).toEqual([accept]);
    }
  });
});

describe("an operation's own server, moved with `servers`", () => {
  it.each(MODES)("%s mode: repos.uploadReleaseAsset reaches the host `servers` names for uploads.github.com", async (mode) => {
    const github = createGithubClient(vault, { baseUrl: p.standin.url, servers: { "uploads.github.com": p.standin.url }, mode });
    const before = p.standin.requests.length;
    await github.repos.uploadReleaseAsset(grant, { owner: "octo", repo: "hello", release_id: 1, name: "a.txt", body: new TextEncoder().encode("asset") });
    const sent = p.standin.requests.slice(before);
    expect(sent.map((r) => [r.method, r.path, r.rawBody])).toEqual([["POST", "/repos/octo/hello/releases/1/assets", "asset"]]);
  });

  it("a `servers` key that names none of the document's servers is refused before anything is sent", async () => {
    const github = createGithubClient(vault, { baseUrl: p.standin.url, servers: { "upload.github.com": p.standin.url } });
    const before = p.standin.requests.length;
    const error = await github.repos.uploadReleaseAsset(grant, { owner: "octo", repo: "hello", release_id: 1, name: "a.txt", body: new Uint8Array(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlterValueError);
    expect((error as Error).message).toBe(
      'servers: "upload.github.com" is not one of the github document\'s operation servers (https://uploads.github.com); the provider\'s own base URL is moved with baseUrl',
    );
    expect(p.standin.requests.slice(before)).toEqual([]);
  });
});
