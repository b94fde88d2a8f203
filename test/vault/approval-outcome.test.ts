// What became of an approval (vault/approvals/outcome.ts), one row per case: the page after a
// decision must never call a refusal a success, nor say a call ran that did not.
import { describe, expect, it } from "vitest";
import { approvalOutcome, providerErrorText, whyNotRun, type ApprovalOutcome } from "../../vault/approvals/outcome.js";
import type { ApprovalRecord } from "../../vault/approvals/store.js";
import type { ProxyResponse } from "../../vault/proxy/send.js";

const answer = (status: number, body: unknown, contentType = "application/json") =>
  ({ status, headers: { "content-type": contentType }, body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)).toString("base64") }) as unknown as ProxyResponse;

describe("approvalOutcome", () => {
  const cases: [string, { status: ApprovalRecord["status"]; errorCode?: string }, ProxyResponse | "withheld" | null, string | undefined, ApprovalOutcome][] = [
    ["pending", { status: "pending" }, null, undefined, { kind: "pending" }],
    ["denied", { status: "denied" }, null, undefined, { kind: "denied" }],
    ["expired", { status: "expired" }, null, undefined, { kind: "expired" }],
    ["approved, not yet sent", { status: "approved" }, null, undefined, { kind: "running" }],
    ["201: accepted", { status: "executed" }, answer(201, { number: 7 }), undefined, { kind: "succeeded", status: 201 }],
    ["422: refused, with GitHub's message and errors", { status: "executed" }, answer(422, { message: "Validation Failed", errors: [{ code: "missing_field" }] }), undefined, { kind: "refused", status: 422, error: "Validation Failed; missing_field" }],
    ["500 with a text body", { status: "executed" }, answer(500, "upstream broke", "text/plain"), undefined, { kind: "refused", status: 500, error: "upstream broke" }],
    ["200 ok:false with okField: refused", { status: "executed" }, answer(200, { ok: false, error: "channel_not_found" }), "ok", { kind: "refused", status: 200, error: "channel_not_found" }],
    ["200 ok:false without okField: accepted", { status: "executed" }, answer(200, { ok: false }), undefined, { kind: "succeeded", status: 200 }],
    ["200 ok:true with okField: accepted", { status: "executed" }, answer(200, { ok: true }), "ok", { kind: "succeeded", status: 200 }],
    ["a result stored before scrubbing", { status: "executed" }, "withheld", undefined, { kind: "ran-withheld" }],
    ["failed: grant revoked", { status: "failed", errorCode: "grant_revoked" }, null, undefined, { kind: "not-run", code: "grant_revoked", reason: whyNotRun("grant_revoked") }],
  ];
  for (const [name, a, result, okField, want] of cases) {
    it(name, () => expect(approvalOutcome({ status: a.status, errorCode: a.errorCode ?? null }, result, okField)).toEqual(want));
  }
});

describe("whyNotRun", () => {
  const cases: [string, RegExp][] = [
    ["grant_revoked", /was revoked/],
    ["grant_expired", /expired/],
    ["approval_mismatch", /differs from the one that was approved/],
    ["provider_unreachable", /could not reach the provider/],
    ["policy_violation", /a policy/],
    ["something_new", /hit an error before the call completed/],
  ];
  for (const [code, want] of cases) it(code, () => expect(whyNotRun(code)).toMatch(want));
});

describe("providerErrorText", () => {
  const cases: [string, string, string | undefined, string | null][] = [
    ["OAuth-style error and description", JSON.stringify({ error: "invalid_request", error_description: "bad" }), "application/json", "bad; invalid_request"],
    ["nested error object", JSON.stringify({ error: { message: "quota" } }), "application/json", "quota"],
    ["a JSON body with no known field is quoted", JSON.stringify({ x: 1 }), "application/json", '{"x":1}'],
    ["long text is cut", "y".repeat(400), "text/plain", `${"y".repeat(300)}…`],
    ["binary is not quoted", "\u0000\u0001", "application/octet-stream", null],
    ["empty", "", "application/json", null],
  ];
  for (const [name, body, type, want] of cases) it(name, () => expect(providerErrorText(Buffer.from(body), type)).toBe(want));
});
