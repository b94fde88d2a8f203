// The protocol v2 rules of docs/protocol.md against the real vault: the request tag, the
// algorithm pinned per key, one line per covered header field, every alter-* response header
// covered, and the stated time window enforced at its exact boundaries (a vault on a test clock).
import { generateKeyPairSync } from "node:crypto";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, deprecateApiKey } from "../support/vault-admin.js";
import { REQUEST_TAG, RESPONSE_TAG } from "../../protocol/rules.js";
import { onPostgres } from "../support/vault-engine.js";
import { call, send, sign, startTestVault, verifyResponse, type TestVault } from "./helpers.js";

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

const retrieveBody = { grant: { grantId: "00000000-0000-4000-8000-000000000000" }, provider: "github", request: { method: "GET", url: "https://api.github.com/user" } };

describe("the request tag", () => {
  const tags: [string, string | null][] = [
    ["no tag (a protocol v1 SDK)", null],
    ["the response tag", RESPONSE_TAG],
    ["another protocol's tag", "alter-gen/v1/request"],
    ["a look-alike", `${REQUEST_TAG} `],
  ];
  it.each(tags)("%s → 401 signature_invalid, signed, naming the expected tag", async (_name, tag) => {
    const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", tag });
    const res = await send(r);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("signature_invalid");
    expect(res.json.error.details.reason).toContain(REQUEST_TAG);
    verifyResponse(v.apiKey, r, res);
  });

  it("the response carries the response tag", async () => {
    const res = await call(v, "GET", "/v1/grants");
    expect(res.headers["signature-input"]).toContain(`;tag="${RESPONSE_TAG}"`);
  });
});

describe("the algorithm is pinned per key", () => {
  const ed = generateKeyPairSync("ed25519");
  let edKey: { apiKey: string; keyId: string };
  beforeAll(async () => {
    edKey = await createApiKey({ dataDir: v.dataDir, label: "ed", ed25519PublicKeyPem: ed.publicKey.export({ type: "spki", format: "pem" }).toString() });
  });
  const edSigner = () => ({ alg: "ed25519" as const, key: ed.privateKey });

  it("an Ed25519 key signing with ed25519 is accepted", async () => {
    expect((await send(sign(edKey.apiKey, { method: "GET", url: v.url + "/v1/grants", signingKey: edSigner() }))).status).toBe(200);
  });

  const PINNED = /signs only with (ed25519|hmac-sha256)/;
  const refused: [string, () => Parameters<typeof sign>, RegExp][] = [
    ["an Ed25519 key signing with its HMAC key (alg hmac-sha256)", () => [edKey.apiKey, { method: "GET", url: v.url + "/v1/grants" }], PINNED],
    // Claims the right algorithm, so it is the Ed25519 check that refuses the HMAC bytes.
    ["an Ed25519 key signing with HMAC but claiming ed25519", () => [edKey.apiKey, { method: "GET", url: v.url + "/v1/grants", alg: "ed25519" }], /does not verify/],
    ["an HMAC key claiming ed25519", () => [v.apiKey, { method: "GET", url: v.url + "/v1/grants", alg: "ed25519" }], PINNED],
    ["an HMAC key signing with an Ed25519 key", () => [v.apiKey, { method: "GET", url: v.url + "/v1/grants", signingKey: edSigner() }], PINNED],
    ["an Ed25519 key with no alg parameter", () => [edKey.apiKey, { method: "GET", url: v.url + "/v1/grants", signingKey: edSigner(), alg: null }], PINNED],
    ["an HMAC key with no alg parameter", () => [v.apiKey, { method: "GET", url: v.url + "/v1/grants", alg: null }], PINNED],
  ];
  it.each(refused)("%s → 401 signature_invalid", async (_name, args, reason) => {
    const res = await send(sign(...args()));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("signature_invalid");
    expect(res.json.error.details.reason).toMatch(reason);
  });
});

describe("a covered header field on several lines is refused", () => {
  // The same value on two lines: a server joining them would see a value other than the signed
  // one, one keeping the first would see the signed one; the protocol refuses before either.
  it.each(["content-digest", "content-type", "alter-user-token"])("%s twice → 401 signature_invalid", async (name) => {
    const r = sign(v.apiKey, { method: "POST", url: v.url + "/v1/credentials/retrieve", body: retrieveBody, userToken: "eyJ.a.b" });
    const res = await send(r, { headers: { ...r.headers, [name]: [r.headers[name]!, r.headers[name]!] } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("signature_invalid");
    expect(res.json.error.details.reason).toContain(`${name} appears 2 times`);
    verifyResponse(v.apiKey, r, res);
  });

  it("Host twice (it makes @target-uri) → 401 signature_invalid", async () => {
    const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
    const { host, port } = new URL(v.url);
    // undici refuses to send two Host lines; a raw socket does.
    const lines = [`GET /v1/grants HTTP/1.1`, `host: ${host}`, `host: ${host}`, ...Object.entries(r.headers).map(([k, value]) => `${k}: ${value}`), "connection: close", "", ""];
    const answer = await rawExchange(Number(port), lines.join("\r\n"));
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain("Host field appears more than once");
  });
});

describe("every alter-* request header must be covered", () => {
  it.each([
    ["an Alter-User-Token added after signing", { "alter-user-token": "eyJ.c.d" }],
    ["any other alter-* header", { "alter-run-id": "run-1" }],
    ["one in upper case", { "Alter-Context": "x" }],
  ])("%s → 401 signature_missing", async (_name, extra) => {
    const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants" });
    const res = await send(r, { headers: { ...r.headers, ...extra } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("signature_missing");
    expect(res.json.error.details.reason).toContain(`"${Object.keys(extra)[0]!.toLowerCase()}"`);
  });

  it("a covered one is accepted", async () => {
    const r = sign(v.apiKey, { method: "GET", url: v.url + "/v1/grants", components: ["@method", "@target-uri", "content-digest", "alter-run-id"], extraHeaders: { "alter-run-id": "run-1" } });
    expect((await send(r)).status).toBe(200);
  });
});

describe("every alter-* response header is covered", () => {
  it("Alter-Key-Deprecated is signed; stripping or adding one fails the SDK's check", async () => {
    const k = await createApiKey({ dataDir: v.dataDir, label: "deprecated" });
    await deprecateApiKey({ dataDir: v.dataDir, keyId: k.keyId, sunsetAt: new Date(Date.now() + 86_400_000).toISOString() });
    const r = sign(k.apiKey, { method: "GET", url: v.url + "/v1/grants" });
    const res = await send(r);
    expect(res.status).toBe(200);
    expect(res.headers["signature-input"]).toContain('"alter-key-deprecated")');
    expect(() => verifyResponse(k.apiKey, r, res)).not.toThrow();
    const { "alter-key-deprecated": _stripped, ...rest } = res.lines;
    expect(() => verifyResponse(k.apiKey, r, { ...res, lines: rest })).toThrow(expect.objectContaining({ code: "signature_missing" }));

    const plain = await call(v, "GET", "/v1/grants");
    expect(() => verifyResponse(v.apiKey, plain.req, { ...plain, lines: { ...plain.lines, "alter-key-deprecated": "2000-01-01" } })).toThrow(
      expect.objectContaining({ code: "signature_missing" }),
    );
  });
});

describe("the time window at its boundaries (vault on a test clock)", () => {
  let clock = 0;
  let t: TestVault;
  const T0 = 1_900_000_000; // whole seconds
  beforeAll(async () => {
    clock = T0 * 1000;
    t = await startTestVault({ now: () => clock });
  });
  afterAll(async () => {
    await t.close();
  });
  const get = (created: number, expires = created + 60, nonce?: string) =>
    sign(t.apiKey, { method: "GET", url: t.url + "/v1/grants", created, expires, ...(nonce ? { nonce } : {}) });

  // [name, created, expires, vault clock (ms), expected status or code]
  const rows: [string, number, number, number, number | string][] = [
    ["at expires exactly", T0 + 10, T0 + 70, (T0 + 70) * 1000, 200],
    ["1 ms after expires", T0 + 10, T0 + 70, (T0 + 70) * 1000 + 1, "signature_expired"],
    ["created 30 s ahead of the vault", T0 + 40, T0 + 100, (T0 + 10) * 1000, 200],
    ["created 30 s + 1 ms ahead", T0 + 40, T0 + 100, (T0 + 10) * 1000 - 1, "signature_future"],
    ["a 60 s lifetime", T0 + 10, T0 + 70, (T0 + 10) * 1000, 200],
    ["a 61 s lifetime", T0 + 10, T0 + 71, (T0 + 10) * 1000, "signature_expired"],
    ["signed the second the vault started", T0, T0 + 60, (T0 + 1) * 1000, 200],
    // SQLite keeps nonces in the process, so nothing signed before it started can pass; PostgreSQL
    // keeps them in the database across restarts and instances, and has no such rule.
    ["signed a second before the vault started", T0 - 1, T0 + 59, (T0 + 1) * 1000, onPostgres() ? 200 : "signature_replayed"],
  ];
  it.each(rows)("%s", async (_name, created, expires, now, expected) => {
    clock = now;
    const res = await send(get(created, expires));
    if (typeof expected === "number") expect(res.status).toBe(expected);
    else expect(res.json.error.code).toBe(expected);
  });

  it("a nonce is remembered through the last millisecond its request is valid", async () => {
    clock = (T0 + 20) * 1000;
    const r = get(T0 + 20);
    expect((await send(r)).status).toBe(200);
    clock = (T0 + 80) * 1000; // its expires, still inside the window
    expect((await send(r)).json.error.code).toBe("signature_replayed");
    clock = (T0 + 80) * 1000 + 1;
    expect((await send(r)).json.error.code).toBe("signature_expired");
  });

  it("the answer's created is the vault's clock", async () => {
    clock = (T0 + 30) * 1000 + 999;
    const r = get(T0 + 30);
    const res = await send(r);
    expect(res.headers["signature-input"]).toContain(`;created=${T0 + 30};`);
  });
});

/** Sends raw bytes and returns everything the server writes until it closes. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let out = "";
    socket.on("data", (d: Buffer) => (out += d.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => resolve(out));
  });
}
