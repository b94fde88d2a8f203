// The SDK's signed exchange (runtime/internal/signed-exchange.ts): its direct string path must produce
// and accept exactly what the general RFC 9421 code does, and refuse every tampered answer with
// the same code. Each answer below is checked by both paths.
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateApiKey } from "../../protocol/keys.js";
import { createContentDigest } from "../../protocol/digest.js";
import { signMessage, type MessageView } from "../../protocol/signing.js";
import { REQUEST_TAG, RESPONSE_TAG, protocolHeaderNames, requestComponents, responseComponents } from "../../protocol/rules.js";
import {
  signVaultRequest,
  verifyVaultAnswer,
  verifyVaultAnswerGeneral,
  type SignedVaultRequest,
  type VaultAnswer,
} from "../../runtime/internal/signed-exchange.js";

const key = generateApiKey();
const NOW_MS = 1_760_000_000_500;
const URL_ = "http://127.0.0.1:7420/v1/credentials/retrieve";
const BODY = Buffer.from('{"grant":{"grantId":"g1"},"provider":"github"}');

describe("signVaultRequest = signMessage", () => {
  const variants: [string, Buffer | undefined, string | undefined][] = [
    ["GET, no body", undefined, undefined],
    ["POST with a body", BODY, undefined],
    ["GET with a user token", undefined, "eyJhbGciOi.payload.sig"],
    ["POST with a body and a user token", BODY, "eyJhbGciOi.payload.sig"],
    ["a token with edge whitespace (general path)", BODY, " eyJ.padded.sig "],
    ["a non-ASCII token (general path)", undefined, "eyJ.caf\u00e9.sig"],
  ];
  const signers = [
    ["hmac-sha256", { alg: "hmac-sha256" as const, key: key.keys.requestSigning }],
    ["ed25519", { alg: "ed25519" as const, key: generateKeyPairSync("ed25519").privateKey }],
  ] as const;

  for (const [alg, signingKey] of signers) {
    it.each(variants)(`${alg}: %s`, (_name, body, userToken) => {
      const headers: Record<string, string> = {};
      const signed = signVaultRequest({ method: "POST", url: URL_, body, userToken }, { keyId: key.keyId, key: signingKey }, headers, NOW_MS);
      const created = Math.floor(NOW_MS / 1000);
      const reference: Record<string, string> = { "content-digest": createContentDigest(body) };
      if (body !== undefined) reference["content-type"] = "application/json";
      if (userToken !== undefined) reference["alter-user-token"] = userToken;
      const s = signMessage(
        { method: "POST", url: URL_, headers: reference },
        {
          label: "alter",
          components: requestComponents(body !== undefined, userToken !== undefined),
          params: { created, expires: created + 60, nonce: signed.nonce, keyid: key.keyId, alg, tag: REQUEST_TAG },
          key: signingKey,
        },
      );
      expect(headers).toEqual({ ...reference, "signature-input": s.signatureInput, signature: s.signature });
      expect(signed).toEqual({ method: "POST", url: URL_, created, nonce: signed.nonce, signature: s.signature });
    });
  }

  it("draws a fresh 16-byte nonce every time", () => {
    const nonces = new Set(Array.from({ length: 600 }, () => signVaultRequest({ method: "GET", url: URL_, body: undefined, userToken: undefined }, { keyId: key.keyId, key: { alg: "hmac-sha256", key: key.keys.requestSigning } }, {}).nonce));
    expect(nonces.size).toBe(600);
    for (const n of nonces) expect(Buffer.from(n, "base64url")).toHaveLength(16);
  });
});

// ---- answers -------------------------------------------------------------------------------------

function request(): SignedVaultRequest {
  return signVaultRequest({ method: "POST", url: URL_, body: BODY, userToken: undefined }, { keyId: key.keyId, key: { alg: "hmac-sha256", key: key.keys.requestSigning } }, {}, NOW_MS);
}

interface AnswerOptions {
  status?: number;
  body?: string;
  /** Extra headers the vault sends (and therefore signs when alter-*). */
  extra?: Record<string, string>;
  /** Parameter order: the vault's canonical one, or another valid one (general path). */
  order?: "canonical" | "shuffled";
  params?: Partial<{ created: number; keyid: string; alg: string; tag: string | undefined }>;
  components?: readonly string[];
  signingKey?: Uint8Array;
  boundTo?: SignedVaultRequest;
}

/** An answer signed as the vault signs it (vault/http/respond.ts), with knobs to get it wrong. */
function answer(req: SignedVaultRequest, o: AnswerOptions = {}): VaultAnswer {
  const body = Buffer.from(o.body ?? '{"ok":true}');
  const headers: Record<string, string | string[]> = { "content-type": "application/json", "content-digest": createContentDigest(body), ...o.extra };
  const p = { created: Math.floor(NOW_MS / 1000), keyid: key.keyId, alg: "hmac-sha256", tag: RESPONSE_TAG as string | undefined, ...o.params };
  const params = o.order === "shuffled" ? { tag: p.tag, alg: p.alg, keyid: p.keyid, created: p.created } : p;
  const bound = o.boundTo ?? req;
  const view: MessageView = { status: o.status ?? 200, headers, request: { method: bound.method, url: bound.url, headers: { signature: bound.signature } } };
  const s = signMessage(view, {
    label: "alter",
    components: o.components ?? responseComponents(protocolHeaderNames(headers)),
    params,
    key: { alg: "hmac-sha256", key: o.signingKey ?? key.keys.responseSigning },
  });
  return { status: view.status!, headers: { ...headers, "signature-input": s.signatureInput, signature: s.signature }, body };
}

/** Both paths' verdicts: undefined when accepted, else the SignatureError code. */
function verdicts(a: VaultAnswer, req: SignedVaultRequest, now = NOW_MS): [string | undefined, string | undefined] {
  const run = (fn: typeof verifyVaultAnswer) => {
    try {
      fn(a, req, key.keyId, key.keys.responseSigning, now);
      return undefined;
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
  };
  return [run(verifyVaultAnswer), run(verifyVaultAnswerGeneral)];
}

const set = (a: VaultAnswer, name: string, value: string | string[] | undefined): VaultAnswer => {
  const headers = { ...a.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...a, headers };
};

describe("verifyVaultAnswer: accepted answers", () => {
  const accepted: [string, AnswerOptions][] = [
    ["the vault's canonical answer", {}],
    ["parameters in another order", { order: "shuffled" }],
    ["an error answer", { status: 404, body: '{"error":{"code":"grant_not_found"}}' }],
    ["with Alter-Key-Deprecated, covered", { extra: { "alter-key-deprecated": "2030-01-01T00:00:00.000Z" } }],
    ["with two alter-* headers, covered in name order", { extra: { "alter-zz": "1", "alter-key-deprecated": "2030-01-01" } }],
    ["signed 30 s before the request (the bound)", { params: { created: Math.floor(NOW_MS / 1000) - 30 } }],
    ["signed 30 s ahead of the SDK's clock (the bound)", { params: { created: Math.floor((NOW_MS + 30_000) / 1000) } }],
  ];
  it.each(accepted)("%s", (_name, o) => {
    const req = request();
    for (const order of ["canonical", "shuffled"] as const) expect(verdicts(answer(req, { ...o, order: o.order ?? order }), req)).toEqual([undefined, undefined]);
  });
});

describe("verifyVaultAnswer: refused answers (both paths, same code)", () => {
  const deprecated = { "alter-key-deprecated": "2030-01-01T00:00:00.000Z" };
  const cases: [string, (req: SignedVaultRequest, order: "canonical" | "shuffled") => VaultAnswer, string][] = [
    ["status changed", (r, order) => ({ ...answer(r, { order }), status: 201 }), "signature_invalid"],
    ["body changed, digest kept", (r, order) => ({ ...answer(r, { order }), body: Buffer.from('{"ok":false}') }), "digest_mismatch"],
    ["content-digest recomputed for a new body", (r, order) => { const a = answer(r, { order }); const body = Buffer.from("{}"); return { ...set(a, "content-digest", createContentDigest(body)), body }; }, "signature_invalid"],
    ["content-type changed", (r, order) => set(answer(r, { order }), "content-type", "text/html"), "signature_invalid"],
    ["an unsigned alter-* header added by a man in the middle", (r, order) => set(answer(r, { order }), "alter-key-deprecated", "2000-01-01"), "signature_missing"],
    ["a covered alter-* header stripped", (r, order) => set(answer(r, { order, extra: deprecated }), "alter-key-deprecated", undefined), "signature_missing"],
    ["a covered alter-* header changed", (r, order) => set(answer(r, { order, extra: deprecated }), "alter-key-deprecated", "2000-01-01"), "signature_invalid"],
    ["an alter-* header covered out of name order", (r, order) => answer(r, { order, extra: { "alter-a": "1", "alter-b": "2" }, components: [...responseComponents([]), "alter-b", "alter-a"] }), "signature_missing"],
    ["content-digest on two lines", (r, order) => { const a = answer(r, { order }); return set(a, "content-digest", [a.headers["content-digest"] as string, a.headers["content-digest"] as string]); }, "signature_invalid"],
    ["content-type on two lines", (r, order) => set(answer(r, { order }), "content-type", ["application/json", "application/json"]), "signature_invalid"],
    ["a covered alter-* header on two lines", (r, order) => set(answer(r, { order, extra: deprecated }), "alter-key-deprecated", [deprecated["alter-key-deprecated"], "2000-01-01"]), "signature_invalid"],
    ["the signature label twice", (r, order) => { const a = answer(r, { order }); return set(a, "signature", `${a.headers.signature}, ${a.headers.signature}`); }, "signature_invalid"],
    ["no tag", (r, order) => answer(r, { order, params: { tag: undefined } }), "signature_invalid"],
    ["the request's tag", (r, order) => answer(r, { order, params: { tag: REQUEST_TAG } }), "signature_invalid"],
    ["another algorithm named", (r, order) => answer(r, { order, params: { alg: "ed25519" } }), "signature_invalid"],
    ["signed for another key id", (r, order) => answer(r, { order, params: { keyid: "zzzzzzzzzzzzzzzz" } }), "signature_invalid"],
    ["signed with another key", (r, order) => answer(r, { order, signingKey: Buffer.alloc(32, 7) }), "signature_invalid"],
    ["bound to another request", (r, order) => answer(r, { order, boundTo: request() }), "signature_invalid"],
    ["fewer components", (r, order) => answer(r, { order, components: ["@status", "content-digest", "content-type"] }), "signature_missing"],
    ["a flipped signature bit", (r, order) => { const a = answer(r, { order }); const sig = String(a.headers.signature); const i = sig.indexOf(":") + 1; return set(a, "signature", sig.slice(0, i) + (sig[i] === "A" ? "B" : "A") + sig.slice(i + 1)); }, "signature_invalid"],
    ["no signature at all", (r, order) => set(set(answer(r, { order }), "signature", undefined), "signature-input", undefined), "signature_missing"],
    ["signed 31 s before the request", (r, order) => answer(r, { order, params: { created: r.created - 31 } }), "signature_expired"],
    ["signed 31 s in the future", (r, order) => answer(r, { order, params: { created: Math.floor(NOW_MS / 1000) + 31 } }), "signature_future"],
  ];
  it.each(cases)("%s → %s", (_name, make, code) => {
    for (const order of ["canonical", "shuffled"] as const) {
      const req = request();
      expect(verdicts(make(req, order), req)).toEqual([code, code]);
    }
  });
});
