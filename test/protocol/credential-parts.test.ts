// Cookie and multi-field injection (protocol/credential-parts.ts, through injectCredential), the
// vault's emptying of their places before a proxied request is stored or sent, and `fields`
// secrets: tables of given/want.
import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { injectCredential, type Injection, type OutgoingRequest } from "../../protocol/injection.js";
import { withCookie } from "../../protocol/credential-parts.js";
import { withoutCredentialSlot } from "../../vault/proxy/credential-slot.js";
import { checkFieldsFor, fieldsFromInput } from "../../vault/grants/fields.js";
import { injectionFor } from "../../vault/grants/credential.js";

const req = (url = "https://api.test/v1/items?q=1", headers: Record<string, string> = {}): OutgoingRequest => ({ method: "GET", url, headers, body: null });
const TRELLO: Injection = { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "query", name: "token", field: "token" }] };

describe("injectCredential: cookie and multi", () => {
  const table: [string, { given: { injection: Injection; credential: unknown; request?: OutgoingRequest }; want: { url: string; headers: Record<string, string> } }][] = [
    ["a cookie", { given: { injection: { type: "cookie", name: "sid" }, credential: { token: "abc/+=" } }, want: { url: "https://api.test/v1/items?q=1", headers: { cookie: "sid=abc/+=" } } }],
    [
      "a cookie beside the request's own cookies, replacing one of its name",
      { given: { injection: { type: "cookie", name: "sid" }, credential: { token: "new" }, request: req(undefined, { cookie: "theme=dark; sid=forged" }) }, want: { url: "https://api.test/v1/items?q=1", headers: { cookie: "theme=dark; sid=new" } } },
    ],
    ["two query credentials (Trello)", { given: { injection: TRELLO, credential: { key: "k 1", token: "t/2" } }, want: { url: "https://api.test/v1/items?q=1&key=k%201&token=t%2F2", headers: {} } }],
    [
      "a next-page link that already carries them gets each once",
      { given: { injection: TRELLO, credential: { key: "k", token: "t" }, request: req("https://api.test/v1/items?key=REDACTED&page=2&token=old") }, want: { url: "https://api.test/v1/items?page=2&key=k&token=t", headers: {} } },
    ],
    [
      "a bearer header, an API key header and a cookie at once",
      {
        given: {
          injection: { type: "multi", parts: [{ in: "header", name: "Authorization", field: "bearer", prefix: "Bearer " }, { in: "header", name: "X-App-Key", field: "app" }, { in: "cookie", name: "s", field: "session" }] },
          credential: { bearer: "tok", app: "appkey", session: "sess" },
        },
        want: { url: "https://api.test/v1/items?q=1", headers: { authorization: "Bearer tok", "x-app-key": "appkey", cookie: "s=sess" } },
      },
    ],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    const out = injectCredential(given.injection, given.credential, given.request ?? req());
    expect({ url: out.url, headers: out.headers }).toEqual(want);
  });

  const missing: [string, { given: { injection: Injection; credential: unknown }; want: RegExp }][] = [
    ["cookie without a token", { given: { injection: { type: "cookie", name: "sid" }, credential: { username: "u", password: "SECRETpass1" } }, want: /without "token" for cookie injection/ }],
    ["multi without one field", { given: { injection: TRELLO, credential: { key: "SECRETkey123" } }, want: /without "token" for multi injection/ }],
  ];
  it.each(missing)("names the missing field, never a value: %s", (_name, { given, want }) => {
    const error = (() => {
      try {
        injectCredential(given.injection, given.credential, req());
      } catch (e) {
        return e;
      }
    })();
    expect(String((error as Error).message)).toMatch(want);
    expect(inspect(error) + (error as Error).stack).not.toMatch(/SECRET/);
  });
});

describe("withCookie", () => {
  const cookies: [string, { given: [string | undefined, string, string]; want: string }][] = [
    ["no cookie yet", { given: [undefined, "a", "1"], want: "a=1" }],
    ["kept beside others", { given: ["b=2; c=3", "a", "1"], want: "b=2; c=3; a=1" }],
    ["replaces its own name only", { given: ["ab=2; a=0", "a", "1"], want: "ab=2; a=1" }],
  ];
  it.each(cookies)("%s", (_name, { given, want }) => expect(withCookie(...given)).toBe(want));
});

describe("the vault empties the credential's places before a proxied request is stored or sent", () => {
  const table: [string, { given: { injection: Injection; url: string; headers: Record<string, string> }; want: { url: string; headers: Record<string, string> } }][] = [
    ["Trello's two query parameters", { given: { injection: TRELLO, url: "https://api.test/1/boards?key=mine&fields=name&token=mine", headers: {} }, want: { url: "https://api.test/1/boards?fields=name", headers: {} } }],
    [
      "a multi header part, and the cookie",
      {
        given: { injection: { type: "multi", parts: [{ in: "header", name: "X-App-Key", field: "a" }, { in: "query", name: "t", field: "t" }] }, url: "https://api.test/x?t=1", headers: { "x-app-key": "forged", cookie: "s=1", accept: "application/json" } },
        want: { url: "https://api.test/x", headers: { accept: "application/json" } },
      },
    ],
    ["a cookie injection", { given: { injection: { type: "cookie", name: "sid" }, url: "https://api.test/x", headers: { cookie: "sid=forged" } }, want: { url: "https://api.test/x", headers: {} } }],
  ];
  it.each(table)("%s", (_name, { given, want }) => {
    const out = withoutCredentialSlot({ method: "GET", url: given.url, headers: given.headers, body: null }, given.injection as never);
    expect({ url: out.url, headers: out.headers }).toEqual(want);
  });
});

describe("fields secrets", () => {
  const ok: [string, { given: unknown; want: Record<string, string> }][] = [
    ["JSON text", { given: '{"key":"k1","token":"t2"}', want: { key: "k1", token: "t2" } }],
    ["an object", { given: { key: "k1" }, want: { key: "k1" } }],
  ];
  it.each(ok)("parses %s", (_name, { given, want }) => expect(fieldsFromInput(given)).toEqual(want));
  const bad: [string, { given: unknown; want: RegExp }][] = [
    ["not JSON", { given: "SECRETvalue", want: /not valid JSON/ }],
    ["an array", { given: '["SECRETvalue"]', want: /JSON object of strings/ }],
    ["no field", { given: "{}", want: /1 to 16 fields/ }],
    ["a number", { given: '{"key": 12345678}', want: /field "key" .* non-empty one-line string/ }],
    ["a bad field name", { given: '{"a b": "SECRETvalue"}', want: /field name "a b"/ }],
    ["two lines", { given: { key: "SECRET\nvalue" }, want: /field "key"/ }],
  ];
  it.each(bad)("refuses %s, naming the field, never the value", (_name, { given, want }) => {
    const error = (() => {
      try {
        fieldsFromInput(given);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(want);
    expect(error?.message).not.toMatch(/SECRET|12345678/);
  });
  it("a multi injection needs every field it names before anything is sent", () => {
    expect(() => checkFieldsFor(TRELLO as never, { key: "k" })).toThrow(/secret fields "token"/);
    expect(() => checkFieldsFor(TRELLO as never, { key: "k", token: "t" })).not.toThrow();
    expect(injectionFor(TRELLO as never, { key: "k", token: "t" })).toEqual(TRELLO);
    expect(() => injectionFor(TRELLO as never, { token: "t" })).toThrow(/"key"/);
  });
});
