// Why the vault refused a signed request. Every verification step (verify.ts, body.ts) returns
// a Refusal instead of throwing, so refused requests all pass through one function of the
// server (`refuse` in server.ts) on their way to becoming an error answer.
import type { SignatureCode } from "../../protocol/errors.js";
import { VaultError } from "../errors.js";

/** The stable codes of docs/protocol.md a verification step can refuse with. */
export type RefusalCode = SignatureCode | "payload_too_large";

export interface Refusal {
  code: RefusalCode;
  /** What exactly failed, for the answer's `details.reason` and for logs; never a secret. */
  reason: string;
  /**
   * The key id the request named, when it named a well-formed one (known to this vault or not);
   * anything else the caller wrote there is left out, so it cannot flood a log or an audit row.
   */
  keyId: string | undefined;
}

/** A step's outcome: its value, or why the request is refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

const KEY_ID = /^[a-z0-9]{16}$/;

export function refusal(code: RefusalCode, reason: string, keyId?: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { code, reason, keyId: keyId !== undefined && KEY_ID.test(keyId) ? keyId : undefined } };
}

const MESSAGES: Record<RefusalCode, string> = {
  signature_missing: "The request is not signed, or its signature does not cover the required components.",
  signature_invalid: "The request signature does not verify.",
  signature_expired: "The request signature has expired; check the clock and sign again.",
  signature_future: "The request signature was created in the future; check the clock.",
  signature_replayed: "This request was already received; every request needs a fresh signature.",
  digest_mismatch: "The Content-Digest does not match the body.",
  unknown_key: "The key id is not a key of this vault.",
  key_revoked: "The API key was revoked; use another key.",
  payload_too_large: "The request body is too large.",
};

/** The error answer of a refusal: the code's sentence, and the exact reason in details. */
export function refusalError(r: Refusal): VaultError {
  return new VaultError(r.code, MESSAGES[r.code], { details: { reason: r.reason } });
}

/** Whether a protocol error's code is one a request can be refused with (not `seal_invalid`, …). */
export function isRefusalCode(code: string): code is RefusalCode {
  return Object.hasOwn(MESSAGES, code);
}
