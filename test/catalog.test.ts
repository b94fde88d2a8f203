import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { closest, defaultSpecsDir, findAlterGenPackage, findProvider, levenshtein, loadCatalog, loadLock, verifySha256, CatalogError, type CatalogProvider } from "../catalog/index.js";
import { GeneratorError, SpecError, UsageError } from "../generator/errors.js";
import { applyFixes, loadFixes, loadOverrides, validateFixes, validateOverrides } from "../generator/spec-fixes.js";

const REQUIRED_IDS = [
  "github", "slack", "stripe", "google-calendar", "notion", "jira", "asana", "zoom",
  "microsoft-graph", "google-drive", "gmail", "google-sheets", "google-docs", "google-tasks", "google-people", "youtube",
  "bitbucket", "box", "twilio", "hubspot-files", "digitalocean", "spotify", "xero", "square", "sendgrid", "vercel", "netlify",
  "openai", "x", "launchdarkly", "mux", "trello", "plaid",
];

describe("the shipped catalog", async () => {
  const catalog = await loadCatalog();

  it("is read from the package's specs/ folder", () => {
    expect(catalog.dir).toBe(defaultSpecsDir());
    expect(catalog.dir.endsWith("specs")).toBe(true);
  });

  it("has every provider the issue names", () => {
    expect(catalog.providers.map((p) => p.id).sort()).toEqual([...REQUIRED_IDS].sort());
  });

  const lock = await loadLock(catalog);
  it.each(catalog.providers.map((p) => [p.id, p] as const))("%s: pinned document matches catalog and lock", async (_id, provider) => {
    const bytes = await verifySha256(catalog, provider, lock);
    const entry = lock.find((e) => e.id === provider.id)!;
    expect(bytes.length).toBe(entry.bytes);
    expect(entry.package).toBe(provider.source.package);
    expect(entry.version).toBe(provider.source.version);
    expect(entry.path).toBe(provider.source.path);
  });

  it.each(catalog.providers.filter((p) => p.fixesFile).map((p) => [p.id, p] as const))(
    "%s: its spec fixes still apply to the pinned document",
    async (_id, provider) => {
      const doc = JSON.parse(await readFile(join(catalog.dir, provider.specFile), "utf8"));
      const file = join(catalog.dir, provider.fixesFile!);
      const fixes = await loadFixes(file);
      expect(fixes.length).toBeGreaterThan(0);
      // Every fix changes something (GitHub's add media types, the others remove).
      const before = JSON.stringify(doc);
      applyFixes(doc, fixes, file);
      expect(JSON.stringify(doc)).not.toBe(before);
    },
  );

  it.each(catalog.providers.filter((p) => p.overridesFile).map((p) => [p.id, p] as const))(
    "%s: every naming override names an operationId of the document",
    async (_id, provider) => {
      const doc = JSON.parse(await readFile(join(catalog.dir, provider.specFile), "utf8"));
      const ids = new Set<string>();
      for (const item of Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>)) {
        for (const op of Object.values(item)) if (op && typeof op === "object" && op.operationId) ids.add(op.operationId);
      }
      const overrides = await loadOverrides(join(catalog.dir, provider.overridesFile!));
      expect(Object.keys(overrides).length).toBeGreaterThan(0);
      for (const id of Object.keys(overrides)) expect(ids, id).toContain(id);
    },
  );

  // Slack's scope separator and operationId grouping are what the issue calls out.
  it.each([
    ["github", { namespaceBy: "operationId-prefix", pagination: "link-header", separator: " " }],
    ["slack", { namespaceBy: "operationId-prefix", pagination: "cursor", separator: "," }],
    ["stripe", { namespaceBy: "path-segment", pagination: "item-cursor", separator: " " }],
    ["jira", { namespaceBy: "tag", pagination: "offset", separator: " " }],
  ] as const)("%s: %o", (id, want) => {
    const p = findProvider(catalog, id);
    expect(p.namespaceBy).toBe(want.namespaceBy);
    expect(p.pagination?.style).toBe(want.pagination);
    expect(p.oauth?.scopeSeparator).toBe(want.separator);
  });
});

// The folder that holds specs/: the workspace, or the published @alter-gen/cli inside an app's
// node_modules (whose own package.json, above it, must not be taken for it).
describe("findAlterGenPackage", () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), "alter-pkg-"));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  const cases: [name: string, packages: Record<string, string>, module: string, found: string | undefined][] = [
    ["the development workspace", { ".": "alter-gen" }, "dist/catalog/load.js", "."],
    ["the published generator in an app", { ".": "app", "node_modules/@alter-gen/cli": "@alter-gen/cli" }, "node_modules/@alter-gen/cli/dist/catalog/load.js", "node_modules/@alter-gen/cli"],
    ["another package above it is passed over", { ".": "alter-gen", "vendor/thing": "thing" }, "vendor/thing/lib/x.js", "."],
    ["no alter-gen package at all", { ".": "app" }, "lib/x.js", undefined],
  ];
  it.each(cases)("%s", async (name, packages, module, found) => {
    const dir = join(base, name.replace(/\W+/g, "-"));
    for (const [at, pkgName] of Object.entries(packages)) {
      await mkdir(join(dir, at), { recursive: true });
      await writeFile(join(dir, at, "package.json"), JSON.stringify({ name: pkgName, version: "9.8.7" }));
    }
    await mkdir(join(dir, module, ".."), { recursive: true });
    const pkg = findAlterGenPackage(pathToFileURL(join(dir, module)).href);
    if (found === undefined) expect(pkg).toBeUndefined();
    else expect(pkg).toEqual({ name: packages[found], version: "9.8.7", root: join(dir, found) });
  });
});

describe("findProvider", async () => {
  const catalog = await loadCatalog();
  it.each([
    ["slak", ["slack"]],
    ["githb", ["github"]],
    ["google", ["google-calendar"]],
    ["zom", ["zoom"]],
  ])("%s suggests %o", (given, want) => {
    try {
      findProvider(catalog, given);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogError);
      const e = error as CatalogError;
      expect(e.location.flag).toBe("--provider");
      for (const w of want) expect(e.message).toContain(`"${w}"`);
    }
  });

  it("lists the known ids when nothing is close", () => {
    expect(() => findProvider(catalog, "mailchimp")).toThrow(/unknown provider "mailchimp"\. Known providers: github, slack/);
  });
});

describe("closest and levenshtein", () => {
  it.each([
    [["kitten", "sitting"], 3],
    [["", "abc"], 3],
    [["slack", "slack"], 0],
  ] as const)("levenshtein%o = %d", ([a, b], want) => expect(levenshtein(a, b)).toBe(want));

  it("orders by distance and drops implausible ones", () => {
    expect(closest("stripe", ["stripe-x", "strip", "asana"])).toEqual(["stripe-x", "strip"]);
  });
});

// Broken catalogs: each case edits a valid entry and names the pointer the error must carry.
describe("catalog validation", () => {
  let dir: string;
  let valid: { providers: Record<string, unknown>[] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "alter-gen-catalog-"));
    valid = parse(await readFile(join(defaultSpecsDir(), "providers.yaml"), "utf8"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function write(text: string): Promise<string> {
    const sub = await mkdtemp(join(dir, "c-"));
    await writeFile(join(sub, "providers.yaml"), text);
    return sub;
  }

  function edited(edit: (p: Record<string, unknown>) => void, index = 1): string {
    const copy = structuredClone(valid);
    edit(copy.providers[index]!);
    return stringify(copy);
  }

  it.each<[string, { given: () => string; want: { pointer: string | undefined; message: RegExp } }]>([
    ["malformed YAML", { given: () => "providers:\n  - id: x\n   name: [", want: { pointer: undefined, message: /not valid YAML: .*line 3/ } }],
    ["not a mapping", { given: () => "- 1\n- 2\n", want: { pointer: "", message: /must be a mapping/ } }],
    ["providers not a list", { given: () => "providers: 3\n", want: { pointer: "/providers", message: /must be a list/ } }],
    ["missing id", { given: () => edited((p) => delete p.id), want: { pointer: "/providers/1/id", message: /is required/ } }],
    ["bad id", { given: () => edited((p) => (p.id = "Slack!")), want: { pointer: "/providers/1/id", message: /lower-case/ } }],
    [
      "duplicate id",
      { given: () => edited((p) => (p.id = "github")), want: { pointer: "/providers/1/id", message: /duplicate provider id "github"/ } },
    ],
    [
      "unknown field with a hint",
      { given: () => edited((p) => (p.baseURL = "https://x")), want: { pointer: "/providers/1/baseURL", message: /did you mean "baseUrl"/ } },
    ],
    ["bad sha256", { given: () => edited((p) => (p.sha256 = "abc")), want: { pointer: "/providers/1/sha256", message: /64 lower-case hex/ } }],
    ["relative baseUrl", { given: () => edited((p) => (p.baseUrl = "/api")), want: { pointer: "/providers/1/baseUrl", message: /absolute URL/ } }],
    ["docsLinkBase with a trailing slash", { given: () => edited((p) => (p.docsLinkBase = "https://api.slack.com/")), want: { pointer: "/providers/1/docsLinkBase", message: /without a query, fragment or trailing slash/ } }],
    ["relative docsLinkBase", { given: () => edited((p) => (p.docsLinkBase = "/docs")), want: { pointer: "/providers/1/docsLinkBase", message: /absolute URL/ } }],
    [
      "baseUrl host not in hosts",
      { given: () => edited((p) => (p.hosts = ["evil.example"])), want: { pointer: "/providers/1/hosts", message: /host of baseUrl \("slack.com"\)/ } },
    ],
    [
      "unknown injection type",
      { given: () => edited((p) => (p.injection = { type: "session" })), want: { pointer: "/providers/1/injection/type", message: /one of bearer.*cookie, multi/ } },
    ],
    [
      "cookie injection without a name",
      { given: () => edited((p) => (p.injection = { type: "cookie" })), want: { pointer: "/providers/1/injection/name", message: /is required/ } },
    ],
    [
      "cookie injection with a name a cookie cannot have",
      { given: () => edited((p) => (p.injection = { type: "cookie", name: "sid=1" })), want: { pointer: "/providers/1/injection/name", message: /"sid=1" is not a valid cookie name/ } },
    ],
    [
      "multi injection without parts",
      { given: () => edited((p) => (p.injection = { type: "multi" })), want: { pointer: "/providers/1/injection/parts", message: /must be a list of \{in, name, field/ } },
    ],
    [
      "multi injection with one part",
      {
        given: () => edited((p) => (p.injection = { type: "multi", parts: [{ in: "query", name: "key", field: "key" }] })),
        want: { pointer: "/providers/1/injection/parts", message: /at least two parts/ },
      },
    ],
    [
      "multi part in a body",
      {
        given: () => edited((p) => (p.injection = { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "body", name: "token", field: "token" }] })),
        want: { pointer: "/providers/1/injection/parts/1/in", message: /one of header, query, cookie/ },
      },
    ],
    [
      "multi part without its secret field",
      {
        given: () => edited((p) => (p.injection = { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "query", name: "token" }] })),
        want: { pointer: "/providers/1/injection/parts/1/field", message: /is required/ },
      },
    ],
    [
      "multi parts in the same place",
      {
        given: () => edited((p) => (p.injection = { type: "multi", parts: [{ in: "header", name: "X-Key", field: "a" }, { in: "header", name: "x-key", field: "b" }] })),
        want: { pointer: "/providers/1/injection/parts/1/name", message: /where \/providers\/1\/injection\/parts\/0 does/ },
      },
    ],
    [
      "multi parts reading one field",
      {
        given: () => edited((p) => (p.injection = { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "query", name: "token", field: "key" }] })),
        want: { pointer: "/providers/1/injection/parts/1/field", message: /"key" is already the field of \/providers\/1\/injection\/parts\/0/ },
      },
    ],
    [
      "a prefix on a query part",
      {
        given: () => edited((p) => (p.injection = { type: "multi", parts: [{ in: "query", name: "key", field: "key", prefix: "K " }, { in: "query", name: "token", field: "token" }] })),
        want: { pointer: "/providers/1/injection/parts/0/prefix", message: /only for header parts/ },
      },
    ],
    [
      "a multi part with an unknown field",
      {
        given: () => edited((p) => (p.injection = { type: "multi", parts: [{ in: "query", name: "key", feild: "key" }, { in: "query", name: "token", field: "token" }] })),
        want: { pointer: "/providers/1/injection/parts/0/feild", message: /did you mean "field"/ },
      },
    ],
    [
      "header injection without a name",
      { given: () => edited((p) => (p.injection = { type: "header" })), want: { pointer: "/providers/1/injection/name", message: /is required/ } },
    ],
    [
      "pkce not a boolean",
      {
        given: () => edited((p) => ((p.oauth as Record<string, unknown>).pkce = "yes")),
        want: { pointer: "/providers/1/oauth/pkce", message: /true or false/ },
      },
    ],
    [
      "cursor pagination without next",
      {
        given: () => edited((p) => (p.pagination = { style: "cursor", param: "cursor" })),
        want: { pointer: "/providers/1/pagination/next", message: /is required/ },
      },
    ],
    [
      "next-url pagination without next",
      { given: () => edited((p) => (p.pagination = { style: "next-url" })), want: { pointer: "/providers/1/pagination/next", message: /is required/ } },
    ],
    [
      "next-url pagination with a param it does not take",
      { given: () => edited((p) => (p.pagination = { style: "next-url", next: "next", param: "page" })), want: { pointer: "/providers/1/pagination/param", message: /is not a known field.*allowed: style, next/ } },
    ],
    [
      "page pagination with a fractional start",
      { given: () => edited((p) => (p.pagination = { style: "page", param: "page", start: 1.5 })), want: { pointer: "/providers/1/pagination/start", message: /first page's number, 0 or 1 \(got number 1.5\)/ } },
    ],
    [
      "page pagination with a total of items",
      { given: () => edited((p) => (p.pagination = { style: "page", param: "page", total: "total" })), want: { pointer: "/providers/1/pagination/total", message: /did you mean "totalPages"/ } },
    ],
    [
      "a version read as a number",
      {
        given: () => edited((p) => ((p.source as Record<string, unknown>).version = 1.3)),
        want: { pointer: "/providers/1/source/version", message: /must be a string/ },
      },
    ],
    [
      "specFile outside specs/",
      { given: () => edited((p) => (p.specFile = "../etc/passwd")), want: { pointer: "/providers/1/specFile", message: /inside specs/ } },
    ],
    [
      "bad namespaceBy",
      { given: () => edited((p) => (p.namespaceBy = "path")), want: { pointer: "/providers/1/namespaceBy", message: /one of tag/ } },
    ],
    [
      "an empty include filter",
      { given: () => edited((p) => (p.include = [])), want: { pointer: "/providers/1/include", message: /at least one tag or operationId/ } },
    ],
    [
      "a deviation of a field the check does not know",
      {
        given: () => edited((p) => (p.deviations = [{ field: "docsUrl", document: "https://x", reason: "because" }])),
        want: { pointer: "/providers/1/deviations/0/field", message: /one of baseUrl, hosts, oauth\.authorizeUrl/ },
      },
    ],
    [
      "a deviation without a reason",
      {
        given: () => edited((p) => (p.deviations = [{ field: "hosts", document: "a.example" }])),
        want: { pointer: "/providers/1/deviations/0/reason", message: /is required/ },
      },
    ],
    [
      "credential param in a body",
      {
        given: () => edited((p) => (p.credentialParams = [{ in: "body", name: "token" }])),
        want: { pointer: "/providers/1/credentialParams/0/in", message: /one of header, query/ },
      },
    ],
    [
      "bad default header name",
      {
        given: () => edited((p) => (p.defaultHeaders = { "Bad Header": "x" }), 4),
        want: { pointer: "/providers/4/defaultHeaders/Bad Header", message: /not a valid header name/ },
      },
    ],
  ])("%s", async (_name, { given, want }) => {
    const sub = await write(given());
    const error = await loadCatalog(sub).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CatalogError);
    const e = error as CatalogError;
    expect(e.location.file).toBe(join(sub, "providers.yaml"));
    expect(e.location.pointer).toBe(want.pointer);
    expect(e.message).toMatch(want.message);
    expect(e.describe()).toContain(join(sub, "providers.yaml"));
  });

  it.each<[string, unknown]>([
    ["cookie", { type: "cookie", name: "session_id" }],
    ["multi in query (Trello)", { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "query", name: "token", field: "token" }] }],
    [
      "multi across header, query and cookie",
      { type: "multi", parts: [{ in: "header", name: "X-Client-Id", field: "client_id" }, { in: "header", name: "Authorization", field: "secret", prefix: "Secret " }, { in: "cookie", name: "env", field: "env" }] },
    ],
  ])("a %s injection is read as written", async (_name, injection) => {
    const sub = await write(edited((p) => (p.injection = injection)));
    const catalog = await loadCatalog(sub);
    expect(catalog.providers[1]!.injection).toEqual(injection);
  });

  it("a missing catalog is a CatalogError naming the file", async () => {
    const missing = join(dir, "nope");
    await expect(loadCatalog(missing)).rejects.toThrow(/cannot read the provider catalog: ENOENT/);
  });

  it("a tampered document fails verifySha256 with the catalog pointer", async () => {
    const sub = await mkdtemp(join(dir, "sha-"));
    const specs = defaultSpecsDir();
    await writeFile(join(sub, "providers.yaml"), await readFile(join(specs, "providers.yaml")));
    await copyFile(join(specs, "specs.lock.json"), join(sub, "specs.lock.json"));
    await mkdir(join(sub, "notion"));
    const original = await readFile(join(specs, "notion/openapi.json"));
    await writeFile(join(sub, "notion/openapi.json"), Buffer.concat([original, Buffer.from(" ")]));
    const catalog = await loadCatalog(sub);
    const notion = findProvider(catalog, "notion");
    const error = await verifySha256(catalog, notion).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).location.pointer).toBe("/providers/4/sha256");
    expect((error as CatalogError).message).toContain(createHash("sha256").update(Buffer.concat([original, Buffer.from(" ")])).digest("hex"));

    // Restored bytes pass, but a lock that disagrees is still caught.
    await writeFile(join(sub, "notion/openapi.json"), original);
    await expect(verifySha256(catalog, notion)).resolves.toBeInstanceOf(Buffer);
    const lock = await loadLock(catalog);
    lock.find((e) => e.id === "notion")!.sha256 = "0".repeat(64);
    await expect(verifySha256(catalog, notion, lock)).rejects.toThrow(/specs lock disagrees/);
  });
});

describe("applyFixes", () => {
  const base = () => ({ paths: { "/a/{id}": { get: { parameters: [{ name: "id" }, { name: "" }], tags: ["x"] } } } });
  const P = "/paths/~1a~1{id}/get";

  it.each<[string, { given: unknown[]; want: unknown }]>([
    ["add a key", { given: [{ op: "add", path: `${P}/summary`, value: "S", why: "w" }], want: { summary: "S" } }],
    ["append to an array", { given: [{ op: "add", path: `${P}/tags/-`, value: "y", why: "w" }], want: { tags: ["x", "y"] } }],
    ["insert into an array", { given: [{ op: "add", path: `${P}/tags/0`, value: "w", why: "w" }], want: { tags: ["w", "x"] } }],
    ["replace", { given: [{ op: "replace", path: `${P}/tags`, value: [], why: "w" }], want: { tags: [] } }],
    ["move up a level", { given: [{ op: "move", from: `${P}/parameters/0`, path: `${P}/first`, why: "w" }], want: { first: { name: "id" }, parameters: [{ name: "" }] } }],
    [
      "test then remove by index",
      {
        given: [
          { op: "test", path: `${P}/parameters/1/name`, value: "", why: "guard" },
          { op: "remove", path: `${P}/parameters/1`, why: "w" },
        ],
        want: { parameters: [{ name: "id" }] },
      },
    ],
  ])("%s", (_name, { given, want }) => {
    const doc = base();
    applyFixes(doc, validateFixes(given, "f.yaml"), "f.yaml");
    expect(doc.paths["/a/{id}"].get).toMatchObject(want as object);
  });

  it("does not share the fix's value with the document", () => {
    const fixes = validateFixes([{ op: "add", path: `${P}/x`, value: { a: 1 }, why: "w" }], "f.yaml");
    const doc = applyFixes(base() as Record<string, any>, fixes, "f.yaml");
    doc.paths["/a/{id}"].get.x.a = 2;
    expect((fixes[0] as { value: { a: number } }).value.a).toBe(1);
  });

  it.each<[string, { given: unknown; want: RegExp }]>([
    ["remove a missing key", { given: { op: "remove", path: `${P}/nope`, why: "w" }, want: /there is no "nope" to remove/ }],
    ["replace a missing key", { given: { op: "replace", path: `${P}/nope`, value: 1, why: "w" }, want: /there is no "nope" to replace/ }],
    ["a missing parent", { given: { op: "add", path: "/paths/~1b/get/x", value: 1, why: "w" }, want: /nothing at \/paths\/~1b/ }],
    ["an index past the end", { given: { op: "remove", path: `${P}/parameters/5`, why: "w" }, want: /no item 5 \(the array has 2\)/ }],
    ["a failed test", { given: { op: "test", path: `${P}/parameters/0/name`, value: "x", why: "w" }, want: /expected "x", found "id"/ }],
    ["a non-index into an array", { given: { op: "remove", path: `${P}/parameters/first`, why: "w" }, want: /not an array index/ }],
    ["a move from nothing", { given: { op: "move", from: `${P}/nope`, path: `${P}/x`, why: "w" }, want: /nothing at \/paths/ }],
  ])("%s is a SpecError naming file and fix", (_name, { given, want }) => {
    const fixes = validateFixes([{ op: "add", path: "/ok", value: 1, why: "first" }, given], "specs/x/fixes.yaml");
    try {
      applyFixes(base(), fixes, "specs/x/fixes.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SpecError);
      const e = error as SpecError;
      expect(e.message).toMatch(want);
      expect(e.message).toContain("spec fix #1");
      expect(e.location).toEqual({ file: "specs/x/fixes.yaml", pointer: "/1" });
    }
  });

  it.each<[string, { given: unknown; want: { pointer: string; message: RegExp } }]>([
    ["not a list", { given: { op: "add" }, want: { pointer: "", message: /YAML list/ } }],
    ["unknown op", { given: [{ op: "copy", path: "/a", why: "w" }], want: { pointer: "/0/op", message: /one of add, replace, remove, test, move/ } }],
    ["move without from", { given: [{ op: "move", path: "/a", why: "w" }], want: { pointer: "/0/from", message: /needs "from"/ } }],
    ["move into itself", { given: [{ op: "move", from: "/a", path: "/a/b", why: "w" }], want: { pointer: "/0/path", message: /inside itself/ } }],
    ["no why", { given: [{ op: "remove", path: "/a" }], want: { pointer: "/0/why", message: /needs a "why"/ } }],
    ["bad pointer", { given: [{ op: "remove", path: "a/b", why: "w" }], want: { pointer: "/0/path", message: /JSON pointer/ } }],
    ["add without value", { given: [{ op: "add", path: "/a", why: "w" }], want: { pointer: "/0", message: /needs a "value"/ } }],
    ["remove with value", { given: [{ op: "remove", path: "/a", value: 1, why: "w" }], want: { pointer: "/0/value", message: /takes no "value"/ } }],
    ["from on a remove", { given: [{ op: "remove", path: "/a", why: "w", from: "/b" }], want: { pointer: "/0/from", message: /only a "move"/ } }],
    ["unknown key", { given: [{ op: "remove", path: "/a", why: "w", to: "/b" }], want: { pointer: "/0/to", message: /unknown key "to"/ } }],
  ])("a fixes file with %s is a UsageError", (_name, { given, want }) => {
    try {
      validateFixes(given, "f.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as GeneratorError).location).toEqual({ file: "f.yaml", pointer: want.pointer });
      expect((error as Error).message).toMatch(want.message);
    }
  });

  it.each([
    [{ opId: "ns.method" }, undefined],
    [{ opId: "nsmethod" }, /"namespace.method"/],
    [{ opId: "ns.bad-name" }, /"namespace.method"/],
    [["a"], /must be a mapping/],
  ] as const)("overrides %o", (given, want) => {
    if (want) expect(() => validateOverrides(given, "o.yaml")).toThrow(want);
    else expect(validateOverrides(given, "o.yaml")).toEqual(given);
  });
});

// Keeps the type import honest: a catalog entry is what the generator and vault read.
const _typed: CatalogProvider["namespaceBy"][] = ["tag", "operationId-prefix", "path-segment"];
void _typed;
