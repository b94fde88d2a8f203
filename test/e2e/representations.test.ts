// A caller asks for another representation of an answer (`accept`), end to end: the generated
// GitHub client, the local vault and the GitHub stand-in, which serves the representation the
// request's Accept names when the document (with its fixes) declares it. repos.getContent's raw
// representation comes back as the file's text; without `accept` it is the JSON listing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterValueError, AlterVault } from "alter-gen/runtime";
import { createGithubClient } from "alter-gen/generated/github";
import { startPeers, type Peers } from "../runtime/support/peers.js";

const MODES = ["retrieve", "proxy"] as const;
const RAW = "# Hello World\n\nThe file's own text, as it is in the repository.\n";
let p: Peers;
let vault: AlterVault;
let grant: string;

beforeAll(async () => {
  p = await startPeers("github");
  grant = await p.grant("ghp_CANARYrepresent0123456789");
  vault = new AlterVault({ apiKey: p.apiKey, baseUrl: p.vault.url, retry: false });
});
afterAll(async () => {
  await vault?.close();
  await p?.close();
});

const client = (mode: (typeof MODES)[number]) => createGithubClient(vault, { baseUrl: p.standin.url, mode });
const params = { owner: "octo", repo: "hello", path: "README.md" };

describe("repos.getContent in each representation", () => {
  // [accept option, Accept header the provider must receive, what the answer must be]
  const cases: [string | undefined, string, (data: unknown) => void][] = [
    [undefined, "application/json", (data) => expect(typeof data === "object" && data !== null).toBe(true)],
    ["application/vnd.github.raw", "application/vnd.github.raw", (data) => expect(data).toBe(RAW)],
    ["application/vnd.github.html", "application/vnd.github.html", (data) => expect(data).toMatch(/^<div class="markdown-body">/)],
    ["application/vnd.github.object", "application/vnd.github.object", (data) => expect(data).toMatchObject({ type: expect.any(String), sha: expect.any(String), _links: expect.any(Object) })],
    // Media types are case-insensitive; the header carries the declared spelling.
    ["Application/VND.GitHub.Raw", "application/vnd.github.raw", (data) => expect(data).toBe(RAW)],
  ];
  it.each(MODES.flatMap((mode) => cases.map(([accept, header, check]) => [mode, accept ?? "(default)", accept, header, check] as const)))(
    "%s mode, accept %s",
    async (mode, _label, accept, header, check) => {
      const before = p.standin.requests.length;
      const github = client(mode);
      const res = accept === undefined ? await github.repos.getContent.withResponse(grant, params) : await github.repos.getContent.withResponse(grant, params, { accept: accept as "application/vnd.github.raw" });
      const sent = p.standin.requests.slice(before);
      expect(sent.map((r) => [r.operationId, r.headers.accept, r.status, r.problems])).toEqual([["repos/get-content", header, 200, []]]);
      // The text representations come labelled as what they are (the stand-in labels any JSON
      // answer application/json).
      if (header.includes(".raw") || header.includes(".html")) expect(res.headers["content-type"]?.split(";")[0]).toBe(header);
      check(res.data);
    },
  );

  it.each(MODES)("%s mode: a diff of a commit is text", async (mode) => {
    const diff = await client(mode).repos.getCommit(grant, { owner: "octo", repo: "hello", ref: "main" }, { accept: "application/vnd.github.diff", reason: "review" });
    expect(typeof diff).toBe("string");
    expect(p.standin.requests.at(-1)!.headers.accept).toBe("application/vnd.github.diff");
  });
});

describe("a paginated method in another representation", () => {
  it.each(MODES)("%s mode: every item of the starred list carries starred_at", async (mode) => {
    const before = p.standin.requests.length;
    const items = [];
    for await (const item of client(mode).activity.listReposStarredByAuthenticatedUser.paginate(grant, { per_page: 10 }, { accept: "application/vnd.github.v3.star+json" })) items.push(item);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item).toMatchObject({ starred_at: expect.any(String), repo: expect.any(Object) });
    expect(p.standin.requests.slice(before).map((r) => [r.operationId, r.headers.accept, r.problems])).toEqual([["activity/list-repos-starred-by-authenticated-user", "application/vnd.github.v3.star+json", []]]);
  });
});

describe("an accept the operation does not declare", () => {
  const cases: [string, string, unknown, RegExp][] = [
    ["an undeclared media type", "getContent", "application/vnd.github.patch", /^repos\/get-content: options\.accept "application\/vnd\.github\.patch" is not a representation of this operation: it answers application\/json, application\/vnd\.github\.html, application\/vnd\.github\.object, application\/vnd\.github\.raw$/],
    ["an operation with one representation", "get", "text/plain", /^repos\/get: options\.accept "text\/plain" is not a representation of this operation: its document declares one representation/],
    ["not a string", "getContent", 42, /^repos\/get-content: options\.accept must be a media type string, got number$/],
  ];
  it.each(MODES.flatMap((mode) => cases.map((c) => [mode, ...c] as const)))("%s mode: %s is refused before anything is sent", async (mode, _name, method, accept, message) => {
    const before = p.standin.requests.length;
    const repos = client(mode).repos as unknown as Record<string, (g: string, params: object, options: object) => Promise<unknown>>;
    const error = await repos[method]!(grant, params, { accept }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlterValueError);
    expect((error as Error).message).toMatch(message);
    expect(p.standin.requests.length).toBe(before);
  });
});

describe("headers.accept", () => {
  it("sets the header alone; the answer is decoded as the method's default representation", async () => {
    // The stand-in serves the raw text; the JSON default decodes text that is not JSON as text.
    const data = await client("retrieve").repos.getContent(grant, params, { headers: { accept: "application/vnd.github.raw" } });
    expect(p.standin.requests.at(-1)!.headers.accept).toBe("application/vnd.github.raw");
    expect(data).toBe(RAW);
  });
  it("wins over accept as a header, while accept still chooses the decoding", async () => {
    const data = await client("retrieve").repos.getContent(grant, params, { accept: "application/vnd.github.object", headers: { accept: "application/json" } });
    expect(p.standin.requests.at(-1)!.headers.accept).toBe("application/json");
    expect(typeof data).toBe("object");
  });
});
