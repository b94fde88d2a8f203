// The transport against a loopback server that plays the vault's side of docs/protocol.md with
// the same signing functions: it verifies every request as the protocol requires and signs its
// answers bound to them. Test modes make it misbehave in the ways the SDK must catch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VaultTransport } from "../../runtime/internal/transport.js";
import { generateApiKey, type DerivedKeys } from "../../protocol/keys.js";
import { parseApiKey } from "../../runtime/internal/keys.js";
import { signMessage, verifyMessage, parseMessageSignature, type MessageView, type SignatureKey } from "../../protocol/signing.js";
import { createContentDigest, verifyContentDigest } from "../../protocol/digest.js";
import { seal } from "../../protocol/seal.js";
import { REQUEST_TAG, RESPONSE_TAG, checkRequestWindow, protocolHeaderNames, responseComponents } from "../../protocol/rules.js";
import {
  AlterValueError,
  ApprovalRequiredError,
  GrantNotFoundError,
  NetworkError,
  SignatureError,
  TimeoutError,
} from "../../runtime/errors.js";

const CANARY = "ghp_CANARYtoken0123456789abcdefCANARY";
const generated = generateApiKey();
const API_KEY = generated.apiKey;
// A second key, registered with an Ed25519 public key: it signs only with ed25519.
const edKey = generateApiKey();
const edPair = generateKeyPairSync("ed25519");

type Mode =
  | "normal"
  | "tamper-body"
  | "other-request"
  | "unsigned"
  | "wrong-components"
  | "stale"
  | "wrong-key"
  | "wrong-keyid"
  | "deprecated"
  | "slow"
  | "tamper-status"
  | "signed-401"
  | "proxy-503"
  | "no-tag"
  | "mitm-adds-alter-header"
  | "mitm-strips-alter-header"
  | "repeated-content-type";

interface Seen {
  method: string;
  url: string;
  body: unknown;
  userToken: string | undefined;
  alg: string | undefined;
  covered: string[];
}

class ReferenceVault {
  server!: Server;
  port = 0;
  mode: Mode = "normal";
  seen: Seen[] = [];
  readonly nonces = new Set<string>();
  readonly keys = new Map<string, { derived: DerivedKeys; ed25519?: KeyObject }>();
  lastSignature: string | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = req.url ?? "/";
    if (path === "/v1/health") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true,"version":"0.1.0"}');
      return;
    }
    const view: MessageView = { method: req.method, url: `http://${req.headers.host}${path}`, headers: req.headers };

    let keyId: string | undefined;
    try {
      keyId = parseMessageSignature(view, "alter").params.keyid;
    } catch (error) {
      return this.unsigned(res, (error as SignatureError).code);
    }
    const entry = keyId === undefined ? undefined : this.keys.get(keyId);
    if (entry === undefined) return this.unsigned(res, "unknown_key");

    const required = ["@method", "@target-uri", "content-digest"];
    if (body.length > 0) required.push("content-type");
    if (req.headers["alter-user-token"] !== undefined) required.push("alter-user-token");
    let verified;
    try {
      verified = verifyMessage(view, {
        label: "alter",
        tag: REQUEST_TAG,
        requiredComponents: required,
        requiredParams: ["created", "expires", "nonce", "keyid", "alg"],
        singleLineFields: true,
        // Pinned per key, as the vault does: the key's algorithm, whatever the request says.
        resolveKey: (): SignatureKey =>
          entry.ed25519 !== undefined ? { alg: "ed25519", key: entry.ed25519 } : { alg: "hmac-sha256", key: entry.derived.requestSigning },
      });
      const late = checkRequestWindow(verified.params, Date.now());
      if (late !== undefined) throw new SignatureError(late.code, late.message);
      if (this.nonces.has(verified.params.nonce!)) throw new SignatureError("signature_replayed", "nonce seen before");
      this.nonces.add(verified.params.nonce!);
      verifyContentDigest(req.headers["content-digest"] as string | undefined, body);
    } catch (error) {
      const code = (error as SignatureError).code;
      return this.respond(res, view, entry.derived, keyId!, 401, { error: { code, message: (error as Error).message } });
    }
    if (this.mode === "proxy-503") {
      res.writeHead(503, { "content-type": "text/html" }).end("<html>Service Unavailable</html>");
      return;
    }
    const parsedBody = body.length > 0 ? JSON.parse(body.toString()) : undefined;
    this.seen.push({
      method: req.method!,
      url: view.url!,
      body: parsedBody,
      userToken: req.headers["alter-user-token"] as string | undefined,
      alg: verified.params.alg,
      covered: verified.components.map((c) => c.name),
    });
    const nonce = verified.params.nonce!;

    if (this.mode === "slow") await new Promise((r) => setTimeout(r, 1500));
    if (this.mode === "signed-401") {
      return this.respond(res, view, entry.derived, keyId!, 401, { error: { code: "signature_expired", message: "too old" } });
    }
    if (path === "/v1/echo") {
      return this.respond(res, view, entry.derived, keyId!, 200, { method: req.method, body: parsedBody ?? null });
    }
    if (path === "/v1/seal") {
      return this.respond(res, view, entry.derived, keyId!, 200, { credential: seal({ token: CANARY }, entry.derived.credentialSealing, nonce) });
    }
    if (path === "/v1/grants/missing/revoke") {
      return this.respond(res, view, entry.derived, keyId!, 404, { error: { code: "grant_not_found", message: "no grant missing" } });
    }
    if (path === "/v1/proxy") {
      return this.respond(res, view, entry.derived, keyId!, 403, {
        error: {
          code: "approval_required",
          message: "needs approval",
          details: { approvalId: "apr_1", approvalUrl: `http://127.0.0.1:${this.port}/approvals/apr_1`, expiresAt: "2030-01-01T00:00:00Z" },
        },
      });
    }
    return this.respond(res, view, entry.derived, keyId!, 404, { error: { code: "invalid_request", message: `no route ${path}` } });
  }

  unsigned(res: ServerResponse, code: string): void {
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { code, message: code } }));
  }

  respond(res: ServerResponse, request: MessageView, derived: DerivedKeys, keyId: string, status: number, payload: unknown): void {
    const body = Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string> = { "content-type": "application/json", "content-digest": createContentDigest(body) };
    const requestSignature = String(request.headers["signature"]);
    let boundTo: MessageView = { ...request, headers: { signature: requestSignature } };
    if (this.mode === "other-request" && this.lastSignature !== undefined) {
      boundTo = { ...request, headers: { signature: this.lastSignature } };
    }
    this.lastSignature = requestSignature;
    if (this.mode === "deprecated" || this.mode === "mitm-strips-alter-header") headers["alter-key-deprecated"] = "2030-01-01";
    if (this.mode === "repeated-content-type") (headers as Record<string, string | string[]>)["content-type"] = ["application/json", "application/json"];
    const components = this.mode === "wrong-components" ? ["@status", "content-digest", "content-type"] : responseComponents(protocolHeaderNames(headers));
    const now = Math.floor(Date.now() / 1000);
    const created = this.mode === "stale" ? now - 3600 : now;
    const key = this.mode === "wrong-key" ? randomBytes(32) : derived.responseSigning;
    const keyid = this.mode === "wrong-keyid" ? "zzzzzzzzzzzzzzzz" : keyId;
    const tag = this.mode === "no-tag" ? undefined : RESPONSE_TAG;
    const s = signMessage(
      { status, headers, request: boundTo },
      { label: "alter", components, params: { created, keyid, alg: "hmac-sha256", tag }, key: { alg: "hmac-sha256", key } },
    );
    const out: Record<string, string | number | string[]> = { ...headers, "content-length": body.length };
    if (this.mode !== "unsigned") {
      out["signature-input"] = s.signatureInput;
      out["signature"] = s.signature;
    }
    // A man in the middle edits the protocol headers of a correctly signed answer.
    if (this.mode === "mitm-adds-alter-header") out["alter-key-deprecated"] = "2000-01-01";
    if (this.mode === "mitm-strips-alter-header") delete out["alter-key-deprecated"];
    let sent = body;
    if (this.mode === "tamper-body") sent = Buffer.from(JSON.stringify(payload).replace("POST", "PUT!"));
    res.writeHead(this.mode === "tamper-status" ? (status === 200 ? 201 : status) : status, out).end(sent);
  }
}

const vault = new ReferenceVault();
let transport: VaultTransport;
const warnings: string[] = [];

beforeAll(async () => {
  await vault.start();
  vault.keys.set(generated.keyId, { derived: generated.keys });
  vault.keys.set(edKey.keyId, { derived: edKey.keys, ed25519: edPair.publicKey });
  transport = new VaultTransport({
    baseUrl: `http://127.0.0.1:${vault.port}`,
    apiKey: parseApiKey(API_KEY),
    timeoutMs: 5000,
    logger: { warn: (m) => warnings.push(m) },
  });
});

afterAll(async () => {
  await transport.close();
  await vault.stop();
});

beforeEach(() => {
  vault.mode = "normal";
  vault.seen = [];
});

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("round trips", () => {
  it("signs a POST with a body and a user token, and verifies the signed answer", async () => {
    const res = await transport.request<{ method: string; body: unknown }>("POST", "/v1/echo", {
      body: { grant: { grantId: "g1" }, n: 1 },
      userToken: "eyJ.user.token",
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ method: "POST", body: { grant: { grantId: "g1" }, n: 1 } });
    expect(res.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(vault.seen[0]).toMatchObject({
      method: "POST",
      url: `http://127.0.0.1:${vault.port}/v1/echo`,
      userToken: "eyJ.user.token",
      alg: "hmac-sha256",
      covered: ["@method", "@target-uri", "content-digest", "content-type", "alter-user-token"],
    });
  });

  it("signs a GET without a body over the empty body's digest", async () => {
    const res = await transport.request("GET", "/v1/echo");
    expect(res.data).toEqual({ method: "GET", body: null });
    expect(vault.seen[0]!.covered).toEqual(["@method", "@target-uri", "content-digest"]);
  });

  it("uses a fresh nonce per request", async () => {
    const a = await transport.request("GET", "/v1/echo");
    const b = await transport.request("GET", "/v1/echo");
    expect(a.nonce).not.toBe(b.nonce);
  });

  it("unseals a credential sealed for this request only", async () => {
    const res = await transport.request<{ credential: unknown }>("POST", "/v1/seal", { body: {} });
    expect(transport.unseal(res.data.credential, res.nonce)).toEqual({ token: CANARY });
    const other = await transport.request<{ credential: unknown }>("POST", "/v1/seal", { body: {} });
    expect(() => transport.unseal(res.data.credential, other.nonce)).toThrow(expect.objectContaining({ code: "seal_invalid" }));
  });

  it("signs with ed25519 when given a signing key", async () => {
    const ed = new VaultTransport({ baseUrl: transport.baseUrl, apiKey: edKey.apiKey, signingKey: edPair.privateKey });
    try {
      const res = await ed.request("POST", "/v1/echo", { body: { a: 1 } });
      expect(res.status).toBe(200);
      expect(vault.seen[0]!.alg).toBe("ed25519");
    } finally {
      await ed.close();
    }
  });

  it("reads the unsigned health endpoint", async () => {
    expect(await transport.health()).toEqual({ ok: true, version: "0.1.0" });
  });
});

describe("answers the SDK must reject", () => {
  const cases: [Mode, string][] = [
    ["tamper-body", "digest_mismatch"],
    ["other-request", "signature_invalid"],
    ["unsigned", "signature_missing"],
    ["wrong-components", "signature_missing"],
    ["stale", "signature_expired"],
    ["wrong-key", "signature_invalid"],
    ["wrong-keyid", "signature_invalid"],
    ["tamper-status", "signature_invalid"],
    ["no-tag", "signature_invalid"],
    ["mitm-adds-alter-header", "signature_missing"],
    ["mitm-strips-alter-header", "signature_missing"],
    ["repeated-content-type", "signature_invalid"],
  ];
  it.each(cases)("%s → SignatureError %s", async (mode, code) => {
    await transport.request("POST", "/v1/echo", { body: { warmup: true } }); // gives other-request a previous request
    vault.mode = mode;
    const error = await caught(transport.request("POST", "/v1/echo", { body: { method: "POST" } }));
    expect(error).toBeInstanceOf(SignatureError);
    expect((error as SignatureError).code).toBe(code);
    expect((error as SignatureError).unverified).toBe(false);
  });

  it("an unknown key gets an unsigned 401, reported as an unverified SignatureError", async () => {
    const stranger = new VaultTransport({ baseUrl: transport.baseUrl, apiKey: generateApiKey().apiKey });
    try {
      const error = (await caught(stranger.request("GET", "/v1/echo"))) as SignatureError;
      expect(error).toBeInstanceOf(SignatureError);
      expect(error.code).toBe("unknown_key");
      expect(error.unverified).toBe(true);
      expect(error.message).toMatch(/^unknown API key: /);
    } finally {
      await stranger.close();
    }
  });
});

describe("vault error envelopes", () => {
  it("404 grant_not_found → GrantNotFoundError", async () => {
    const error = await caught(transport.request("POST", "/v1/grants/missing/revoke", { body: { reason: "r" } }));
    expect(error).toBeInstanceOf(GrantNotFoundError);
    expect(error.message).toBe("no grant missing");
  });

  it("403 approval_required → ApprovalRequiredError with id and URL", async () => {
    const error = (await caught(transport.request("POST", "/v1/proxy", { body: {} }))) as ApprovalRequiredError;
    expect(error).toBeInstanceOf(ApprovalRequiredError);
    expect(error.approvalId).toBe("apr_1");
    expect(error.approvalUrl).toBe(`http://127.0.0.1:${vault.port}/approvals/apr_1`);
  });

  it("a signed 401 from the vault is a verified SignatureError", async () => {
    vault.mode = "signed-401";
    const error = (await caught(transport.request("GET", "/v1/echo"))) as SignatureError;
    expect(error).toBeInstanceOf(SignatureError);
    expect(error.code).toBe("signature_expired");
    expect(error.unverified).toBe(false);
  });

  it("refuses a user token with a line break before sending", async () => {
    await expect(transport.request("GET", "/v1/echo", { userToken: "a\nb" })).rejects.toBeInstanceOf(AlterValueError);
    expect(vault.seen).toHaveLength(0);
  });
});

describe("deprecation, timeouts, failures", () => {
  it("logs the Alter-Key-Deprecated warning once", async () => {
    vault.mode = "deprecated";
    const before = warnings.length;
    await transport.request("GET", "/v1/echo");
    await transport.request("GET", "/v1/echo");
    expect(warnings.length - before).toBe(1);
    expect(warnings.at(-1)).toContain("2030-01-01");
    expect(warnings.at(-1)).toContain(generated.keyId);
  });

  it("times out with TimeoutError that shows neither the user token nor the key", async () => {
    vault.mode = "slow";
    const userToken = `eyJ.${CANARY}.sig`;
    const error = await caught(transport.request("GET", "/v1/echo", { timeoutMs: 200, userToken }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).retryable).toBe(true);
    const shown = `${inspect(error, { depth: 20, showHidden: true })}${JSON.stringify(error)}${error.stack}`;
    expect(shown).not.toContain(CANARY);
    expect(shown).not.toContain(API_KEY.slice(-43));
  });

  it("honours an AbortSignal", async () => {
    vault.mode = "slow";
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("caller gave up")), 100);
    const error = await caught(transport.request("GET", "/v1/echo", { signal: controller.signal }));
    expect(error.message).toBe("caller gave up");
  });

  it("a closed port is a NetworkError", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const t = new VaultTransport({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY });
    try {
      const error = await caught(t.request("GET", "/v1/echo"));
      expect(error).toBeInstanceOf(NetworkError);
      expect(error.message).toContain("ECONNREFUSED");
      expect(inspect(error, { depth: 20, showHidden: true })).not.toContain(API_KEY.slice(-43));
    } finally {
      await t.close();
    }
  });

  it("an unsigned 503 (a proxy in front of the vault) is a retryable NetworkError", async () => {
    vault.mode = "proxy-503";
    const error = (await caught(transport.request("GET", "/v1/echo"))) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe("vault_unavailable");
    expect(error.retryable).toBe(true);
  });

  it("refuses a lower-case or odd method before sending", async () => {
    await expect(transport.request("get", "/v1/echo")).rejects.toBeInstanceOf(AlterValueError);
    await expect(transport.request("GET\r\nX: y", "/v1/echo")).rejects.toBeInstanceOf(AlterValueError);
    expect(vault.seen).toHaveLength(0);
  });

  it("refuses to send after close()", async () => {
    const t = new VaultTransport({ baseUrl: transport.baseUrl, apiKey: API_KEY });
    await t.close();
    await expect(t.request("GET", "/v1/echo")).rejects.toMatchObject({ code: "client_closed" });
  });
});

describe("configuration", () => {
  it.each([
    ["http to a public host", "http://vault.example.com", "allowInsecureHttp"],
    ["another scheme", "ftp://127.0.0.1", "https"],
    ["not a URL", "vault", "absolute URL"],
    ["credentials in the URL", "https://user:pw@vault.example.com", "credentials"],
  ])("refuses %s", (_name, baseUrl, hint) => {
    expect(() => new VaultTransport({ baseUrl, apiKey: API_KEY })).toThrow(expect.objectContaining({ name: "AlterValueError", message: expect.stringContaining(hint) }));
  });

  it.each(["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787", "https://vault.example.com/alter/"])("accepts %s", async (baseUrl) => {
    const t = new VaultTransport({ baseUrl, apiKey: API_KEY });
    expect(t.baseUrl).toBe(baseUrl.replace(/\/$/, ""));
    await t.close();
  });

  it("accepts plain http to a public host only with allowInsecureHttp", async () => {
    const t = new VaultTransport({ baseUrl: "http://vault.example.com", apiKey: API_KEY, allowInsecureHttp: true });
    expect(t.baseUrl).toBe("http://vault.example.com");
    await t.close();
  });

  it("a malformed API key fails before any network call, without echoing it", () => {
    const bad = `alter_sk_short_${CANARY}`;
    const error = (() => {
      try {
        new VaultTransport({ baseUrl: transport.baseUrl, apiKey: bad });
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a throw");
    })();
    expect(error).toBeInstanceOf(AlterValueError);
    expect(`${error.message}${error.stack}${inspect(error)}`).not.toContain(CANARY);
  });

  it("inspect and JSON of the transport show no secret", () => {
    const secretPart = API_KEY.slice(-43);
    const keyHex = generated.keys.requestSigning.toString("hex");
    for (const text of [inspect(transport, { depth: 10, showHidden: true }), JSON.stringify(transport), String(transport)]) {
      expect(text).not.toContain(secretPart);
      expect(text).not.toContain(keyHex);
    }
    expect(inspect(transport)).toContain(generated.keyId);
  });
});
