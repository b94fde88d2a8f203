// `vault providers set --from-spec`: which requirement of a document becomes the provider's
// injection (vault/admin/provider-from-spec.ts), and the clear errors for documents it cannot use.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { authFromSpec } from "../../vault/admin/provider-from-spec.js";
import { runVaultCli } from "./cli-run.js";
import { initVault, listManagedSecrets } from "../support/vault-admin.js";

const dir = mkdtempSync(path.join(tmpdir(), "from-spec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: unknown, ext = "json") => {
  const f = path.join(dir, `doc-${n++}.${ext}`);
  writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content));
  return f;
};
const doc = (schemes: object, security: unknown, ops: Record<string, unknown> = {}) => ({
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  servers: [{ url: "https://{region}.api.example/v2/", variables: { region: { default: "eu" } } }],
  components: { securitySchemes: schemes },
  security,
  paths: { "/a": { get: { responses: {}, ...ops } }, "/b": { get: { responses: {}, security: [] } } },
});
const SCHEMES = { key: { type: "apiKey", in: "query", name: "key" }, token: { type: "apiKey", in: "query", name: "token" }, bearer: { type: "http", scheme: "bearer" }, digest: { type: "http", scheme: "digest" } };

describe("authFromSpec", () => {
  const table: [string, { given: { file: string; schemes?: string[] }; want: object }][] = [
    [
      "the requirement most operations accept",
      { given: { file: file(doc(SCHEMES, [{ bearer: [] }, { key: [] }])) }, want: { injection: { type: "bearer" }, schemes: ["bearer"], others: [["key"]], baseUrl: "https://eu.api.example/v2", operations: { using: 1, without: 1 } } },
    ],
    [
      "two credentials the document requires together",
      { given: { file: file(doc(SCHEMES, [{ key: [], token: [] }])) }, want: { injection: { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "query", name: "token", field: "token" }] }, schemes: ["key", "token"] } },
    ],
    [
      "--schemes makes a combination the document lists as alternatives (Trello's)",
      { given: { file: file(doc(SCHEMES, [{ key: [] }, { token: [] }])), schemes: ["token", "key"] }, want: { injection: { type: "multi" }, schemes: ["key", "token"], others: [["key"], ["token"]] } },
    ],
    ["an injectable requirement is preferred to one that is not", { given: { file: file(doc(SCHEMES, [{ digest: [] }, { key: [] }])) }, want: { injection: { type: "query", name: "key" }, schemes: ["key"] } }],
    [
      "the authorizationCode flow's endpoints",
      {
        given: { file: file(doc({ o: { type: "oauth2", flows: { authorizationCode: { authorizationUrl: "https://as.example/authorize", tokenUrl: "https://as.example/token", scopes: {} } } } }, [{ o: [] }])) },
        want: { oauth: { authorizeUrl: "https://as.example/authorize", tokenUrl: "https://as.example/token" }, schemes: ["o"] },
      },
    ],
    [
      "OpenAPI 3.2's deviceAuthorization flow beside it: headless connect's endpoint",
      {
        given: {
          file: file({
            ...doc(
              {
                o: {
                  type: "oauth2",
                  flows: {
                    authorizationCode: { authorizationUrl: "https://as.example/authorize", tokenUrl: "https://as.example/token", scopes: {} },
                    deviceAuthorization: { deviceAuthorizationUrl: "https://as.example/device/code", tokenUrl: "https://as.example/token", scopes: {} },
                  },
                },
              },
              [{ o: [] }],
            ),
            openapi: "3.2.0",
          }),
        },
        want: { oauth: { authorizeUrl: "https://as.example/authorize", tokenUrl: "https://as.example/token", deviceAuthorizationUrl: "https://as.example/device/code" } },
      },
    ],
    [
      "YAML, and Swagger 2.0",
      { given: { file: file("swagger: '2.0'\nhost: api.example\nbasePath: /v1\nschemes: [https]\nsecurityDefinitions:\n  b: {type: basic}\nsecurity: [{b: []}]\npaths: {}\n", "yaml") }, want: { injection: { type: "basic" }, baseUrl: "https://api.example/v1" } },
    ],
  ];
  it.each(table)("%s", async (_name, { given, want }) => {
    expect(await authFromSpec(given.file, given.schemes)).toMatchObject(want);
  });

  const bad: [string, { given: { file: string; schemes?: string[] }; want: RegExp }][] = [
    ["a missing file", { given: { file: path.join(dir, "nope.json") }, want: /--from-spec .*nope\.json cannot be read \(ENOENT\)/ }],
    ["not JSON or YAML", { given: { file: file("{ not json", "json") }, want: /is not valid JSON or YAML/ }],
    ["not an OpenAPI document", { given: { file: file({ hello: 1 }) }, want: /not an OpenAPI or Swagger document/ }],
    ["no security schemes", { given: { file: file(doc({}, undefined)) }, want: /defines no security schemes/ }],
    ["an unknown scheme in --schemes", { given: { file: file(doc(SCHEMES, [{ key: [] }])), schemes: ["ghost"] }, want: /--schemes: the document defines no security scheme "ghost" \(it has key, token, bearer, digest\)/ }],
    ["only schemes the vault cannot inject", { given: { file: file(doc({ digest: SCHEMES.digest }, [{ digest: [] }])) }, want: /no security requirement of the document can be injected/ }],
    ["a chosen scheme that cannot be injected", { given: { file: file(doc(SCHEMES, [{ key: [] }])), schemes: ["digest"] }, want: /the http scheme "digest" of "digest" cannot be injected/ }],
  ];
  it.each(bad)("%s: a clear error", async (_name, { given, want }) => {
    await expect(authFromSpec(given.file, given.schemes)).rejects.toThrow(want);
  });
});

describe("real documents", () => {
  it("Trello: the document lists key and token as alternatives; --schemes asks for both at once", async () => {
    const trello = path.resolve("test/fixtures/documents/trello.com.json");
    expect(await authFromSpec(trello)).toMatchObject({ injection: { type: "query", name: "key" }, others: [["api_token"]], operations: { using: 300, without: 24 } });
    expect(await authFromSpec(trello, ["api_key", "api_token"])).toMatchObject({
      injection: { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "query", name: "token", field: "token" }] },
      baseUrl: "https://trello.com/1",
    });
  });
});

describe("the CLI", () => {
  it("stores a --type fields secret, and refuses a bad one without repeating it", async () => {
    const data = path.join(dir, "fields-vault");
    await initVault({ dataDir: data, env: {} });
    const ok = await runVaultCli(["secrets", "add", "--data", data, "--provider", "trello", "--type", "fields", "--from-env", "BOARD"], { env: { BOARD: '{"key":"CANARYk1234","token":"CANARYt5678"}' } });
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toMatch(/^Stored fields secret /);
    expect((await listManagedSecrets({ dataDir: data })).map((r) => r.type)).toEqual(["fields"]);
    const bad = await runVaultCli(["secrets", "add", "--data", data, "--provider", "trello", "--type", "fields", "--from-env", "BOARD"], { env: { BOARD: '{"key": CANARYnotjson}' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/fields secret is a JSON object of strings/);
    expect(bad.stdout + bad.stderr).not.toMatch(/CANARY/);
  }, 60_000);

  it("refuses --schemes without --from-spec, naming the flag", async () => {
    const run = await runVaultCli(["providers", "set", "demo", "--data", path.join(dir, "vault"), "--schemes", "key"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--schemes chooses among the schemes of a --from-spec document/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
