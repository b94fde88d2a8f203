// A refusal is typed data (vault/http/refusal.ts): its code is one of protocol.md's, its key id
// is kept only when well-formed, and its error answer carries the code's status and the reason.
import { describe, expect, it } from "vitest";
import { refusal, refusalError, type RefusalCode } from "../../vault/http/refusal.js";

const CODES: [RefusalCode, number][] = [
  ["signature_missing", 401],
  ["signature_invalid", 401],
  ["signature_expired", 401],
  ["signature_future", 401],
  ["signature_replayed", 401],
  ["digest_mismatch", 401],
  ["unknown_key", 401],
  ["key_revoked", 401],
  ["payload_too_large", 413],
];

describe("refusals", () => {
  it.each(CODES)("%s answers %i with a sentence and the exact reason", (code, status) => {
    const r = refusal(code, "what exactly failed", "abcdefgh12345678");
    expect(r).toEqual({ ok: false, refusal: { code, reason: "what exactly failed", keyId: "abcdefgh12345678" } });
    const e = refusalError(r.refusal);
    expect(e.status).toBe(status);
    expect(e.toJSON().error).toMatchObject({ code, details: { reason: "what exactly failed" } });
    expect(e.message).toMatch(/^[A-Z].+\.$/);
  });

  it.each([["x".repeat(5000)], ["ABCDEFGH12345678"], ["abc"], ["abcdefgh1234567\n"]])("keeps no malformed key id (%#)", (keyId) => {
    expect(refusal("unknown_key", "no such key", keyId).refusal.keyId).toBeUndefined();
  });
});
