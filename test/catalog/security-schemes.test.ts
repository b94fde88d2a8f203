// The security-scheme reader (catalog/security-schemes.ts), the injection each requirement maps
// to (catalog/security-injection.ts) and least scopes (catalog/least-scopes.ts), as tables.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { needsCredential, readSecurity } from "../../catalog/security-schemes.js";
import { injectionForRequirement } from "../../catalog/security-injection.js";
import { leastScopes, opened, operationLeastScopes, scopeUniverse } from "../../catalog/least-scopes.js";
import type { SecuritySchemeSpec } from "../../runtime/operation.js";

type Json = Record<string, unknown>;
const doc3 = (schemes: Json, security?: unknown, paths: Json = { "/x": { get: { operationId: "getX", responses: {} } } }): Json => ({
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  components: { securitySchemes: schemes },
  ...(security !== undefined ? { security } : {}),
  paths,
});

describe("readSecurity: schemes", () => {
  const table: [string, { given: Json; want: Record<string, SecuritySchemeSpec> }][] = [
    ["apiKey in a header", { given: doc3({ k: { type: "apiKey", in: "header", name: "X-Api-Key" } }), want: { k: { type: "apiKey", in: "header", name: "X-Api-Key" } } }],
    ["apiKey in the query", { given: doc3({ k: { type: "apiKey", in: "query", name: "key" } }), want: { k: { type: "apiKey", in: "query", name: "key" } } }],
    ["apiKey in a cookie", { given: doc3({ k: { type: "apiKey", in: "cookie", name: "sid" } }), want: { k: { type: "apiKey", in: "cookie", name: "sid" } } }],
    ["http bearer (scheme case folded)", { given: doc3({ b: { type: "http", scheme: "Bearer", bearerFormat: "JWT" } }), want: { b: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } }],
    ["http basic", { given: doc3({ b: { type: "http", scheme: "basic" } }), want: { b: { type: "http", scheme: "basic" } } }],
    [
      "oauth2 flows with endpoints and scopes",
      {
        given: doc3({
          o: {
            type: "oauth2",
            flows: {
              authorizationCode: { authorizationUrl: "https://a.example/auth", tokenUrl: "https://a.example/token", refreshUrl: "https://a.example/r", scopes: { read: "r", write: "w" } },
              clientCredentials: { tokenUrl: "https://a.example/token", scopes: {} },
            },
          },
        }),
        want: {
          o: {
            type: "oauth2",
            flows: {
              authorizationCode: { authorizationUrl: "https://a.example/auth", tokenUrl: "https://a.example/token", refreshUrl: "https://a.example/r", scopes: ["read", "write"] },
              clientCredentials: { tokenUrl: "https://a.example/token", scopes: [] },
            },
          },
        },
      },
    ],
    ["openIdConnect noted", { given: doc3({ oidc: { type: "openIdConnect", openIdConnectUrl: "https://id.example/.well-known/openid-configuration" } }), want: { oidc: { type: "openIdConnect", openIdConnectUrl: "https://id.example/.well-known/openid-configuration" } } }],
    ["a local $ref", { given: { ...doc3({ k: { $ref: "#/x-shared/key" } }), "x-shared": { key: { type: "apiKey", in: "query", name: "k" } } }, want: { k: { type: "apiKey", in: "query", name: "k" } } }],
    [
      "Swagger 2.0 basic, apiKey and accessCode",
      {
        given: {
          swagger: "2.0",
          paths: {},
          securityDefinitions: {
            b: { type: "basic" },
            k: { type: "apiKey", in: "query", name: "token" },
            o: { type: "oauth2", flow: "accessCode", authorizationUrl: "https://a/auth", tokenUrl: "https://a/token", scopes: { read: "" } },
          },
        },
        want: {
          b: { type: "http", scheme: "basic" },
          k: { type: "apiKey", in: "query", name: "token" },
          o: { type: "oauth2", flows: { authorizationCode: { authorizationUrl: "https://a/auth", tokenUrl: "https://a/token", scopes: ["read"] } } },
        },
      },
    ],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    const read = readSecurity(given);
    expect(read.schemes).toEqual(want);
    expect(read.problems).toEqual([]);
  });
});

describe("readSecurity: problems name the pointer", () => {
  const table: [string, { given: Json; want: { pointer: string; message: RegExp } }][] = [
    ["apiKey without a name", { given: doc3({ k: { type: "apiKey", in: "header" } }), want: { pointer: "/components/securitySchemes/k/name", message: /needs a name/ } }],
    ["apiKey in a body", { given: doc3({ k: { type: "apiKey", in: "body", name: "k" } }), want: { pointer: "/components/securitySchemes/k/in", message: /header, query or cookie/ } }],
    ["unknown type", { given: doc3({ k: { type: "magic" } }), want: { pointer: "/components/securitySchemes/k/type", message: /unknown security scheme type "magic"/ } }],
    ["oauth2 without flows", { given: doc3({ o: { type: "oauth2" } }), want: { pointer: "/components/securitySchemes/o/flows", message: /at least one flow/ } }],
    ["requirement naming an undefined scheme", { given: doc3({}, [{ ghost: [] }]), want: { pointer: "/security/0/ghost", message: /"ghost", which the document does not define/ } }],
    ["security not an array", { given: doc3({}, { k: [] }), want: { pointer: "/security", message: /must be an array/ } }],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    const { problems } = readSecurity(given);
    expect(problems).toEqual([{ pointer: want.pointer, message: expect.stringMatching(want.message) }]);
  });
});

describe("readSecurity: per-operation requirements", () => {
  const schemes = { key: { type: "apiKey", in: "query", name: "key" }, token: { type: "apiKey", in: "query", name: "token" }, o: { type: "oauth2", flows: { implicit: { authorizationUrl: "https://a", scopes: { r: "" } } } } };
  const table: [string, { given: { top?: unknown; op?: unknown }; want: { requirements: unknown[]; own: boolean; needs: boolean } }][] = [
    ["the document's default", { given: { top: [{ key: [] }] }, want: { requirements: [{ key: [] }], own: false, needs: true } }],
    ["the operation's own overrides", { given: { top: [{ key: [] }], op: [{ o: ["r"] }] }, want: { requirements: [{ o: ["r"] }], own: true, needs: true } }],
    ["security: [] needs no credential", { given: { top: [{ key: [] }], op: [] }, want: { requirements: [], own: true, needs: false } }],
    ["[{}] needs no credential", { given: { op: [{}] }, want: { requirements: [{}], own: true, needs: false } }],
    ["optional ([{}, key]) is called with one", { given: { op: [{}, { key: [] }] }, want: { requirements: [{}, { key: [] }], own: true, needs: true } }],
    ["two credentials at once (Trello)", { given: { op: [{ key: [], token: [] }] }, want: { requirements: [{ key: [], token: [] }], own: true, needs: true } }],
    ["no security anywhere", { given: {}, want: { requirements: [], own: false, needs: false } }],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    const op: Json = { responses: {}, ...(given.op !== undefined ? { security: given.op } : {}) };
    const read = readSecurity(doc3(schemes, given.top, { "/x": { get: op } }));
    const [found] = read.operations;
    expect({ requirements: found!.requirements, own: found!.own, needs: needsCredential(found!.requirements) }).toEqual(want);
  });
});

describe("injectionForRequirement", () => {
  const schemes: Record<string, SecuritySchemeSpec> = {
    header: { type: "apiKey", in: "header", name: "X-Api-Key" },
    query: { type: "apiKey", in: "query", name: "key" },
    token: { type: "apiKey", in: "query", name: "token" },
    cookie: { type: "apiKey", in: "cookie", name: "sid" },
    bearer: { type: "http", scheme: "bearer" },
    basic: { type: "http", scheme: "basic" },
    digest: { type: "http", scheme: "digest" },
    oauth: { type: "oauth2", flows: { authorizationCode: { authorizationUrl: "https://a", tokenUrl: "https://t", scopes: ["r"] } } },
    oauthToo: { type: "oauth2", flows: { implicit: { authorizationUrl: "https://a", scopes: ["r"] } } },
    oidc: { type: "openIdConnect", openIdConnectUrl: "https://id" },
    sameName: { type: "apiKey", in: "header", name: "key" },
    mtls: { type: "mutualTLS" },
  };
  const table: [string, { given: Record<string, string[]>; want: unknown }][] = [
    ["apiKey header", { given: { header: [] }, want: { injection: { type: "header", name: "X-Api-Key" } } }],
    ["apiKey query", { given: { query: [] }, want: { injection: { type: "query", name: "key" } } }],
    ["apiKey cookie", { given: { cookie: [] }, want: { injection: { type: "cookie", name: "sid" } } }],
    ["http bearer", { given: { bearer: [] }, want: { injection: { type: "bearer" } } }],
    ["http basic", { given: { basic: [] }, want: { injection: { type: "basic" } } }],
    ["oauth2", { given: { oauth: ["r"] }, want: { injection: { type: "bearer" } } }],
    ["openIdConnect", { given: { oidc: [] }, want: { injection: { type: "bearer" } } }],
    ["two OAuth schemes of one server (Google)", { given: { oauth: ["r"], oauthToo: ["r"] }, want: { injection: { type: "bearer" } } }],
    [
      "two query credentials (Trello)",
      { given: { query: [], token: [] }, want: { injection: { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "query", name: "token", field: "token" }] } } },
    ],
    [
      "bearer and an apiKey header",
      { given: { bearer: [], header: [] }, want: { injection: { type: "multi", parts: [{ in: "header", name: "Authorization", field: "bearer", prefix: "Bearer " }, { in: "header", name: "X-Api-Key", field: "X-Api-Key" }] } } },
    ],
    [
      "same parameter name in two places: fields by scheme",
      { given: { query: [], sameName: [] }, want: { injection: { type: "multi", parts: [{ in: "query", name: "key", field: "query" }, { in: "header", name: "key", field: "sameName" }] } } },
    ],
    ["basic with another credential", { given: { basic: [], query: [] }, want: { error: expect.stringMatching(/combines basic/) } }],
    ["digest", { given: { digest: [] }, want: { error: expect.stringMatching(/"digest" of "digest" cannot be injected/) } }],
    ["mutual TLS", { given: { mtls: [] }, want: { error: expect.stringMatching(/mutual TLS/) } }],
    ["undefined scheme", { given: { ghost: [] }, want: { error: expect.stringMatching(/"ghost" is not defined/) } }],
    ["empty requirement", { given: {}, want: { error: expect.stringMatching(/needs no credential/) } }],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    expect(injectionForRequirement(given, schemes)).toEqual(want);
  });
});

describe("least scopes", () => {
  const oauth: Record<string, SecuritySchemeSpec> = {
    o: { type: "oauth2", flows: { authorizationCode: { authorizationUrl: "https://a", tokenUrl: "https://t", scopes: ["all", "read", "events.read", "write"] } } },
    key: { type: "apiKey", in: "header", name: "k" },
  };
  // A Google-like document: the broad scope opens every operation, narrower ones open less.
  const ops: Record<string, Record<string, string[]>[]> = {
    listEvents: [{ o: ["all"] }, { o: ["read"] }, { o: ["events.read"] }],
    getCalendar: [{ o: ["all"] }, { o: ["read"] }],
    insertEvent: [{ o: ["all"] }, { o: ["write"] }],
    deleteCalendar: [{ o: ["all"] }],
    ping: [],
    keyOnly: [{ key: [] }],
    keyOrRead: [{ key: [] }, { o: ["all"] }, { o: ["read"] }],
    noScope: [{ o: [] }],
    both: [{ o: ["all"] }, { o: ["read", "write"] }],
  };
  const universe = scopeUniverse(Object.values(ops), oauth);
  it("measures scopes by the operations they open", () => {
    const table: [string[], number][] = [[["all"], 7], [["read"], 4], [["events.read"], 2], [["write"], 2], [["read", "write"], 6], [[], 1]];
    expect(table.map(([scopes]) => opened(new Set(scopes), universe))).toEqual(table.map(([, n]) => n));
  });
  const perOp: [string, { given: string; want: string[] | undefined }][] = [
    ["the narrowest alternative", { given: "listEvents", want: ["events.read"] }],
    ["a read over the broad scope", { given: "getCalendar", want: ["read"] }],
    ["write when it is narrower than all", { given: "insertEvent", want: ["write"] }],
    ["only the broad scope", { given: "deleteCalendar", want: ["all"] }],
    ["security: [] has none", { given: "ping", want: undefined }],
    ["an API key only has none", { given: "keyOnly", want: undefined }],
    ["OAuth alternative beside an API key", { given: "keyOrRead", want: ["read"] }],
    ["an OAuth alternative with no scope", { given: "noScope", want: [] }],
    ["several scopes at once rather than the broad one", { given: "both", want: ["read", "write"] }],
  ];
  it.each(perOp)("per operation: %s", (_name, { given, want }) => {
    expect(operationLeastScopes(ops[given]!, oauth, universe)).toEqual(want);
  });
  const sets: [string, { given: string[]; want: string[] }][] = [
    ["reading operations share read", { given: ["listEvents", "getCalendar"], want: ["read"] }],
    ["a lone list takes its narrowest", { given: ["listEvents"], want: ["events.read"] }],
    ["read and write rather than all", { given: ["listEvents", "getCalendar", "insertEvent"], want: ["read", "write"] }],
    ["the broad scope makes the others redundant", { given: ["deleteCalendar", "listEvents", "getCalendar", "insertEvent"], want: ["all"] }],
    ["nothing for operations without OAuth", { given: ["ping", "keyOnly", "noScope"], want: [] }],
    ["a combination is taken whole", { given: ["both", "listEvents"], want: ["read", "write"] }],
  ];
  it.each(sets)("for a client: %s", (_name, { given, want }) => {
    expect(leastScopes(given.map((id) => ops[id]!), oauth, universe)).toEqual(want);
  });
});

describe("real documents", () => {
  const read = (file: string) => readSecurity(JSON.parse(readFileSync(file, "utf8")) as Json);
  it("Trello's document lists key and token as alternatives (the API needs both; see docs)", () => {
    const trello = read("test/fixtures/documents/trello.com.json");
    expect(trello.schemes).toMatchObject({ api_key: { type: "apiKey", in: "query", name: "key" }, api_token: { type: "apiKey", in: "query", name: "token" } });
    expect(trello.operations.filter((o) => !needsCredential(o.requirements)).length).toBe(24);
  });
  it("Slack: every operation names its scopes; GET-only needs fewer", () => {
    const slack = read("specs/slack/openapi.json");
    const b = scopeUniverse(slack.operations.map((o) => o.requirements), slack.schemes);
    const all = leastScopes(slack.operations.map((o) => o.requirements), slack.schemes, b);
    const gets = leastScopes(slack.operations.filter((o) => o.method === "GET").map((o) => o.requirements), slack.schemes, b);
    expect(gets.length).toBeLessThan(all.length);
    expect(gets.every((s) => !/:write/.test(s))).toBe(true);
  });
  it("Google Calendar: reading operations get read-only scopes, unless one needs the full scope", () => {
    const cal = read("specs/google-calendar/openapi.json");
    const u = scopeUniverse(cal.operations.map((o) => o.requirements), cal.schemes);
    const gets = cal.operations.filter((o) => o.method === "GET");
    const reading = leastScopes(gets.filter((o) => !o.path.endsWith("/acl")).map((o) => o.requirements), cal.schemes, u);
    // One read-only scope opens every reading operation and nothing else.
    expect(reading).toEqual(["https://www.googleapis.com/auth/calendar.readonly"]);
    const events = gets.filter((o) => o.path.includes("/events"));
    expect(leastScopes(events.map((o) => o.requirements), cal.schemes, u)).toEqual(["https://www.googleapis.com/auth/calendar.events.readonly"]);
    // Listing a calendar's ACL accepts only the full scope, which opens everything else too.
    expect(leastScopes(gets.map((o) => o.requirements), cal.schemes, u)).toEqual(["https://www.googleapis.com/auth/calendar"]);
  });
});
