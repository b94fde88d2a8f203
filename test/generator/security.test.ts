// provider.js `security` (generator/model/security.ts) and the runtime's reading of it
// (runtime/security.ts): which operations are listed, which need no credential.
import { describe, expect, it } from "vitest";
import { buildModel } from "../../generator/model/build.js";
import { clientSecurity } from "../../generator/model/security.js";
import { needsCredential } from "../../runtime/security.js";
import { connectTargets, type ConnectProvider } from "../../runtime/connect-scopes.js";
import type { OperationSpec, ProviderSpec, ProviderSecurity } from "../../runtime/operation.js";

type Json = Record<string, unknown>;
const op = (operationId: string, security?: unknown) => ({ operationId, responses: { "200": { description: "ok" } }, ...(security !== undefined ? { security } : {}) });
const doc = (schemes: Json, security: unknown, paths: Json): Json => ({
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  ...(security !== undefined ? { security } : {}),
  components: { securitySchemes: schemes },
  paths,
});
const KEY = { key: { type: "apiKey", in: "query", name: "key" } };
const OAUTH = { o: { type: "oauth2", flows: { authorizationCode: { authorizationUrl: "https://a", tokenUrl: "https://t", scopes: { r: "", w: "" } } } } };

function securityOf(d: Json, include?: string[]): ProviderSecurity | undefined {
  const model = buildModel({ doc: d, source: "t.yaml", sha256: "0", version: "3.0" }, { providerId: "t", namespaceBy: "tag", ...(include ? { include } : {}) });
  return clientSecurity(d, model).security;
}

describe("clientSecurity", () => {
  const table: [string, { given: { doc: Json; include?: string[] }; want: ProviderSecurity | undefined }][] = [
    ["a document without schemes or requirements has none", { given: { doc: doc({}, undefined, { "/a": { get: op("a") } }) }, want: undefined }],
    [
      "only operations that state their own, differing requirements are listed",
      {
        given: { doc: doc(KEY, [{ key: [] }], { "/a": { get: op("a") }, "/b": { get: op("b", []) }, "/c": { get: op("c", [{ key: [] }]) } }) },
        want: { schemes: { key: { type: "apiKey", in: "query", name: "key" } }, default: [{ key: [] }], operations: { b: [] } },
      },
    ],
    [
      "an operation stating nothing, without a default, is left out (the runtime uses a credential)",
      { given: { doc: doc(KEY, undefined, { "/a": { get: op("a") }, "/b": { get: op("b", []) } }) }, want: { schemes: { key: { type: "apiKey", in: "query", name: "key" } }, operations: { b: [] } } },
    ],
    [
      "least scopes of the operations kept by --include",
      {
        given: { doc: doc(OAUTH, undefined, { "/a": { get: op("a", [{ o: ["r"] }]) }, "/b": { post: op("b", [{ o: ["w"] }]) } }), include: ["a"] },
        want: { schemes: { o: { type: "oauth2", flows: { authorizationCode: { authorizationUrl: "https://a", tokenUrl: "https://t", scopes: ["r", "w"] } } } }, operations: { a: [{ o: ["r"] }] }, leastScopes: ["r"] },
      },
    ],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    expect(securityOf(given.doc, given.include)).toEqual(want);
  });
});

describe("runtime needsCredential", () => {
  const provider = (security?: ProviderSecurity): ProviderSpec => ({ id: "t", name: "t", baseUrl: "https://t", ...(security ? { security } : {}) });
  const o = (id: string) => ({ id, method: "GET", path: "/" }) as OperationSpec;
  const schemes = { key: { type: "apiKey", in: "query", name: "key" } } as const;
  const table: [string, { given: { provider: ProviderSpec; op: string }; want: boolean }][] = [
    ["no security data: a credential", { given: { provider: provider(), op: "a" }, want: true }],
    ["the default requirement", { given: { provider: provider({ schemes, default: [{ key: [] }] }), op: "a" }, want: true }],
    ["security: []", { given: { provider: provider({ schemes, default: [{ key: [] }], operations: { a: [] } }), op: "a" }, want: false }],
    ["only empty alternatives", { given: { provider: provider({ schemes, operations: { a: [{}] } }), op: "a" }, want: false }],
    ["optional: a credential", { given: { provider: provider({ schemes, operations: { a: [{}, { key: [] }] } }), op: "a" }, want: true }],
    ["stated nowhere: a credential", { given: { provider: provider({ schemes, operations: { b: [] } }), op: "a" }, want: true }],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    expect(needsCredential(given.provider, o(given.op))).toBe(want);
  });
});

describe("connect asks for a generated provider's least scopes", () => {
  const slack = { id: "slack", security: { schemes: {}, leastScopes: ["chat:write", "channels:read"] } };
  const table: [string, { given: { providers: ConnectProvider[]; scopes?: Record<string, string[]> }; want: { ids: string[]; scopes: Record<string, string[]> | undefined } }][] = [
    ["ids only: no scopes", { given: { providers: ["github"] }, want: { ids: ["github"], scopes: undefined } }],
    ["a generated provider: its least scopes", { given: { providers: [slack, "github"] }, want: { ids: ["slack", "github"], scopes: { slack: ["chat:write", "channels:read"] } } }],
    ["scopes named by the caller win", { given: { providers: [slack], scopes: { slack: ["users:read"] } }, want: { ids: ["slack"], scopes: { slack: ["users:read"] } } }],
    ["a provider without least scopes", { given: { providers: [{ id: "notion" }] }, want: { ids: ["notion"], scopes: undefined } }],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    expect(connectTargets(given.providers, given.scopes)).toEqual(want);
  });
  it("refuses an empty list or a provider without id", () => {
    expect(() => connectTargets([], undefined)).toThrow(/non-empty array of provider ids or generated providers/);
    expect(() => connectTargets([{ id: "" }], undefined)).toThrow(/non-empty array/);
  });
});
