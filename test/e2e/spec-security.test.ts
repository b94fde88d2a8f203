// A provider outside the catalog, end to end, with the credential where its document says: a
// client generated with `alter-gen --spec` from a small document of our own
// (test/fixtures/specs/security-demo.yaml), the vault configured from the same document by
// `alter-gen vault providers set --from-spec` (a separate process, as an operator runs it), and
// a loopback stand-in that validates every request against the document and checks the
// credential is exactly in its place. Each way the document offers (apiKey in a header, a query
// parameter, a cookie; basic; two query credentials at once) in retrieve and proxy mode; the
// operation marked `security: []` never reaches the vault. Canary secrets prove nothing leaks into
// answers, errors, logs, audit rows or the data folder.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect, promisify } from "node:util";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlterVault, ProviderAPIError } from "alter-gen/runtime";
import type { CatalogInjection, CatalogProvider } from "../../catalog/index.js";
import { addManagedSecret, initVault, issueGrant, readAudit, startVault, type RunningVault } from "../support/vault-admin.js";
import { storedAtRest } from "../support/vault-db.js";
import { startStandin, type Standin, type StandinCredential } from "../../standins/index.js";
import { runVaultCli } from "../vault/cli-run.js";
import { startIdp, type TestIdp } from "../support/idp.js";
import { completeIdpLogin, confirmConnect, launchBrowser, type TestBrowser } from "../support/browser.js";

const root = path.resolve(".");
const DOC = path.join(root, "test/fixtures/specs/security-demo.yaml");
const document = parse(readFileSync(DOC, "utf8")) as object;
mkdirSync(path.join(root, ".tmp"), { recursive: true });
const work = mkdtempSync(path.join(root, ".tmp", "spec-security-"));

// Canaries with characters every encoding changes; each holds CANARY so a leak is easy to spot.
const HEADER_KEY = "CANARYhdr/k+e=y!7f3a9c";
const QUERY_KEY = "CANARYqry/k+e=y~2b8d1e";
const COOKIE_KEY = "CANARYcookie/v+a=l!4c7e";
const USER = "canary-user-5d1e";
const PASS = "CANARY/pass+word=8b2c!x";
const BOARD = { key: "CANARYboardkey/0a9f+e=", token: "CANARYboardtoken/6d2c+b=" };

interface Case {
  name: string;
  schemes: string;
  injection: CatalogInjection;
  secret: { type: "token" | "basic" | "fields"; value: string };
  accepts: StandinCredential;
  parts: string[];
  /** Where the stand-in saw it. */
  placed: (req: { headers: Record<string, string>; query: Record<string, string | string[]> }) => unknown;
}

const CASES: Case[] = [
  {
    name: "apiKey in a header",
    schemes: "demoHeader",
    injection: { type: "header", name: "X-Demo-Key" },
    secret: { type: "token", value: HEADER_KEY },
    accepts: HEADER_KEY,
    parts: [HEADER_KEY],
    placed: (r) => r.headers["x-demo-key"],
  },
  {
    name: "apiKey in the query",
    schemes: "demoQuery",
    injection: { type: "query", name: "api_key" },
    secret: { type: "token", value: QUERY_KEY },
    accepts: QUERY_KEY,
    parts: [QUERY_KEY],
    placed: (r) => r.query.api_key,
  },
  {
    name: "apiKey in a cookie",
    schemes: "demoCookie",
    injection: { type: "cookie", name: "demo_session" },
    secret: { type: "token", value: COOKIE_KEY },
    accepts: COOKIE_KEY,
    parts: [COOKIE_KEY],
    placed: (r) => r.headers.cookie,
  },
  {
    name: "http basic",
    schemes: "demoBasic",
    injection: { type: "basic" },
    secret: { type: "basic", value: `${USER}:${PASS}` },
    accepts: { username: USER, password: PASS },
    parts: [USER, PASS],
    placed: (r) => Buffer.from((r.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString(),
  },
  {
    name: "two query credentials at once (key and token)",
    schemes: "boardKey,boardToken",
    injection: { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "query", name: "token", field: "token" }] },
    secret: { type: "fields", value: JSON.stringify(BOARD) },
    accepts: JSON.stringify(BOARD),
    parts: [BOARD.key, BOARD.token],
    placed: (r) => [r.query.key, r.query.token],
  },
];
const WANT_PLACED = [HEADER_KEY, QUERY_KEY, `demo_session=${COOKIE_KEY}`, `${USER}:${PASS}`, [BOARD.key, BOARD.token]];
const MODES = ["retrieve", "proxy"] as const;
const CLIENT = { clientId: "secdemo-app", clientSecret: "secdemo-client-secret-CANARY-3f9a1c" };
const CANARIES = [...CASES.flatMap((c) => c.parts), CLIENT.clientSecret];

let dataDir: string;
let apiKey: string;
let vault: RunningVault;
let sdk: AlterVault;
const logs: string[] = [];
const errors: unknown[] = [];
type Client = {
  items: { listItems(grant: string, params?: { q?: string }, options?: object): Promise<{ items?: string[] } & Record<string, unknown>> };
  status: { getStatus(grant: string, params?: object, options?: object): Promise<{ ok: boolean }> };
};
let createClient: (vault: AlterVault, defaults?: object) => Client;

// The client's own package.json (written for clients outside a package) is removed, so its
// `alter-gen/runtime` resolves to this checkout, as for a client inside the alter-gen package.
const generate = async (args: string[]) => {
  const out = await promisify(execFile)(process.execPath, [path.join(root, "bin/alter-gen.js"), ...args], { cwd: root });
  rmSync(path.join(args[args.indexOf("--out") + 1]!, "secdemo", "package.json"), { force: true });
  return out;
};

beforeAll(async () => {
  const gen = await generate(["--spec", DOC, "--name", "secdemo", "--out", path.join(work, "clients")]);
  expect(gen.stderr).toContain("secdemo: least OAuth scopes (2): items:read items:write");
  createClient = (await import(path.join(work, "clients/secdemo/index.js")))["createSecdemoClient"];
  dataDir = mkdtempSync(path.join(tmpdir(), "alter-spec-security-"));
  apiKey = (await initVault({ dataDir, env: {} })).apiKey;
  vault = await startVault({ dataDir, port: 0, log: (line) => logs.push(line) });
  const line = (level: string) => (message: string, fields?: unknown) => logs.push(`sdk.${level} ${message} ${inspect(fields, { depth: 10 })}`);
  sdk = new AlterVault({ apiKey, baseUrl: vault.url, retry: false, logger: { warn: line("warn"), debug: line("debug"), info: line("info"), error: line("error") } });
  // The vault refuses requests signed in the second it started.
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
}, 180_000);

afterAll(async () => {
  await sdk?.close();
  await vault?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe("the generated provider data", () => {
  it("carries the schemes, the operations' own requirements and the least scopes", async () => {
    const { provider } = await import(path.join(work, "clients/secdemo/provider.js"));
    expect(Object.keys(provider.security.schemes)).toEqual(["demoHeader", "demoQuery", "demoCookie", "demoBasic", "boardKey", "boardToken", "demoOAuth"]);
    expect(provider.security.operations).toEqual({ createItem: [{ demoOAuth: ["items:write"] }, { demoOAuth: ["admin"] }], getStatus: [] });
    expect(provider.security.leastScopes).toEqual(["items:read", "items:write"]);
  });
  it("an --include-filtered client needs fewer scopes", async () => {
    const gen = await generate(["--spec", DOC, "--name", "secdemo", "--out", path.join(work, "reading"), "--include", "listItems"]);
    expect(gen.stderr).toContain("secdemo: least OAuth scopes (1): items:read");
  }, 60_000);
});

describe.each(CASES.map((c, i) => [c.name, c, WANT_PLACED[i]] as const))("%s", (_name, c, wantPlaced) => {
  let standin: Standin;
  let grant: string;
  beforeAll(async () => {
    const entry: CatalogProvider = {
      id: "secdemo",
      name: "Security demo",
      specFile: "",
      source: { package: "", version: "", path: "" },
      sha256: "",
      baseUrl: "http://127.0.0.1/v1",
      hosts: [],
      injection: c.injection,
      namespaceBy: "tag",
    };
    standin = await startStandin({ provider: entry, document, credential: c.accepts });
    // As an operator: the injection comes from the document, the base URL points at the stand-in.
    const set = await runVaultCli(["providers", "set", "secdemo", "--data", dataDir, "--from-spec", DOC, "--schemes", c.schemes, "--base-url", standin.url]);
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Credential from ${c.schemes.split(",").sort().join(" + ")}:`);
    const secret = await addManagedSecret({ dataDir, provider: "secdemo", type: c.secret.type, value: c.secret.value, label: "demo" });
    grant = (await issueGrant({ dataDir, secretId: secret.id, principal: "system" })).grantId;
  }, 60_000);
  afterAll(() => standin?.close());

  it.each(MODES)("%s mode: the credential goes exactly where the document says", async (mode) => {
    const client = createClient(sdk, { baseUrl: standin.url, mode });
    const before = standin.requests.length;
    standin.queue({ status: 200, body: { items: ["first"] } });
    expect(await client.items.listItems(grant, { q: "x" })).toEqual({ items: ["first"] });
    const [req] = standin.requests.slice(before);
    expect(req!.status).toBe(200);
    expect(req!.problems).toEqual([]);
    expect(c.placed(req!)).toEqual(wantPlaced);
  });

  it.each(MODES)("%s mode: a provider echoing the request gets every secret scrubbed", async (mode) => {
    const client = createClient(sdk, { baseUrl: standin.url, mode });
    standin.queue({ status: 200, respond: (r) => ({ body: { items: [], headers: r.headers, url: r.url } }) });
    const data = await client.items.listItems(grant, { q: "echo" });
    const text = JSON.stringify(data);
    expect(text).toContain("[REDACTED]");
    for (const part of c.parts) expect(text).not.toContain(part);
    standin.queue({ status: 400, respond: (r) => ({ body: { message: `refused ${JSON.stringify(r.headers)} at ${r.url}` } }) });
    const error = await client.items.listItems(grant, { q: "refused" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderAPIError);
    errors.push(error);
    const traces = [inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error), String((error as Error).stack)].join("\n");
    for (const part of c.parts) expect(traces).not.toContain(part);
  });

  it.each(MODES)("%s mode: an operation with security: [] goes straight to the provider", async (mode) => {
    const client = createClient(sdk, { baseUrl: standin.url, mode });
    const rows = (await readAudit({ dataDir })).length;
    const before = standin.requests.length;
    // The grant is not even looked at: no vault call, so no audit row.
    expect(await client.status.getStatus("not-a-grant")).toEqual({ ok: expect.any(Boolean) });
    const [req] = standin.requests.slice(before);
    expect([req!.headers["x-demo-key"], req!.headers.cookie, req!.headers.authorization, req!.query.api_key, req!.query.key]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect((await readAudit({ dataDir })).length).toBe(rows);
  });
});

describe("oauth2 from the document: connect asks for the client's least scopes", () => {
  let idp: TestIdp;
  let browser: TestBrowser | undefined;
  let standin: Standin;
  let grant: string;
  beforeAll(async () => {
    idp = await startIdp({ users: [{ sub: "alice", email: "alice@example.test", groups: [] }], extraScopes: ["items:read", "items:write", "admin"] });
    idp.addClient({ ...CLIENT, redirectUris: [`${vault.url}/connect/callback/secdemo`] });
    // The same document, its authorization server being the test IDP.
    const flows = { authorizationCode: { authorizationUrl: idp.endpoints.authorize, tokenUrl: idp.endpoints.token, scopes: { "items:read": "", "items:write": "", admin: "" } } };
    const own = structuredClone(document) as { components: { securitySchemes: Record<string, unknown> } };
    own.components.securitySchemes.demoOAuth = { type: "oauth2", flows };
    const file = path.join(work, "security-demo-idp.yaml");
    (await import("node:fs")).writeFileSync(file, stringify(own));
    const entry = { id: "secdemo", name: "Security demo", specFile: "", source: { package: "", version: "", path: "" }, sha256: "", baseUrl: "http://127.0.0.1/v1", hosts: [], injection: { type: "bearer" }, namespaceBy: "tag" } as CatalogProvider;
    standin = await startStandin({ provider: entry, document, credential: (token: string) => idp.isActiveAccessToken(token) });
    const set = await runVaultCli(
      ["providers", "set", "secdemo", "--data", dataDir, "--from-spec", file, "--schemes", "demoOAuth", "--base-url", standin.url, "--client-id", CLIENT.clientId, "--client-secret-from-env", "SECDEMO_SECRET"],
      { env: { SECDEMO_SECRET: CLIENT.clientSecret } },
    );
    expect(set.stderr).toBe("");
    expect(set.stdout).toContain(`OAuth from the document: authorize ${idp.endpoints.authorize}`);
    const { provider } = await import(path.join(work, "clients/secdemo/provider.js"));
    const pages: Promise<unknown>[] = [];
    browser = await launchBrowser();
    // The generated provider itself: the session asks for its least scopes.
    const [connected] = await sdk.connect({
      providers: [provider],
      asUser: false,
      pollIntervalMs: 100,
      timeoutMs: 60_000,
      openBrowser: (url) =>
        void pages.push(
          (async () => {
            const page = await browser!.newPage();
            await page.goto(url);
            await confirmConnect(page);
            await completeIdpLogin(page, { issuer: idp.issuer, username: "alice" });
            await page.close();
          })(),
        ),
    });
    await Promise.all(pages);
    grant = connected!.grantId;
    expect(connected!.scopes.sort()).toEqual(["items:read", "items:write"]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await standin?.close();
    await idp?.close();
  });

  it("the authorization request named exactly the least scopes", () => {
    const authorize = idp.requests.filter((r) => r.query.get("client_id") === CLIENT.clientId && r.query.has("scope"));
    expect(authorize.map((r) => r.query.get("scope"))).toEqual(["items:read items:write"]);
  });

  it.each(MODES)("%s mode: the access token goes as Authorization: Bearer", async (mode) => {
    const client = createClient(sdk, { baseUrl: standin.url, mode });
    const before = standin.requests.length;
    standin.queue({ status: 200, body: { items: ["oauth"] } });
    expect(await client.items.listItems(grant, { q: "x" })).toEqual({ items: ["oauth"] });
    const [req] = standin.requests.slice(before);
    expect(req!.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(idp.isActiveAccessToken(req!.headers.authorization!.slice(7))).toBe(true);
  });
});

describe("nothing leaks", () => {
  it("no canary in the audit log, the logs, the errors or the data folder", async () => {
    const rows = await readAudit({ dataDir });
    // Three calls per case and mode (one answered, one echo, one refused), one per mode with OAuth.
    expect(rows.filter((r) => r.action === "credential.retrieve" || r.action === "proxy.call").length).toBe(CASES.length * MODES.length * 3 + MODES.length);
    const places: [string, string][] = [
      ["audit", JSON.stringify(rows)],
      ["logs", logs.join("\n")],
      ["errors", errors.map((e) => inspect(e, { depth: 20, showHidden: true }) + String((e as Error).stack)).join("\n")],
    ];
    places.push(...(await storedAtRest(dataDir)));
    const found = places.flatMap(([where, text]) => CANARIES.filter((c) => text.includes(c) || text.includes(encodeURIComponent(c))).map((c) => `${where}: ${c.slice(0, 10)}…`));
    expect(found).toEqual([]);
  });
});
