// The protocol's stated bounds (docs/protocol.md, "Time windows"), at and one step past each
// boundary, on both sides: the vault's request window and the SDK's response window.
import { describe, expect, it } from "vitest";
import {
  CLOCK_SKEW_SECONDS,
  REQUEST_LIFETIME_SECONDS,
  checkRequestWindow,
  checkResponseWindow,
  protocolHeaderNames,
  responseComponents,
  RESPONSE_FIXED_COMPONENTS,
} from "../../protocol/rules.js";

const C = 1_760_000_000; // created, unix seconds
const ms = (s: number) => s * 1000;

describe("request window (vault clock, milliseconds)", () => {
  // [name, created, expires, vault clock in ms, expected refusal code or null]
  const rows: [string, number, number, number, string | null][] = [
    ["accepted at created", C, C + 60, ms(C), null],
    ["accepted at expires exactly", C, C + 60, ms(C + 60), null],
    ["expired 1 ms after expires", C, C + 60, ms(C + 60) + 1, "signature_expired"],
    ["a shorter lifetime ends at its own expires", C, C + 5, ms(C + 5) + 1, "signature_expired"],
    ["accepted 30 s before created (clock skew)", C, C + 60, ms(C) - 30_000, null],
    ["future 1 ms past the skew", C, C + 60, ms(C) - 30_001, "signature_future"],
    ["lifetime of exactly 60 s accepted", C, C + REQUEST_LIFETIME_SECONDS, ms(C), null],
    ["lifetime of 61 s refused", C, C + REQUEST_LIFETIME_SECONDS + 1, ms(C), "signature_expired"],
    ["lifetime of 300 s refused (v1 allowed it)", C, C + 300, ms(C), "signature_expired"],
    ["lifetime of 1 s accepted", C, C + 1, ms(C), null],
    ["expires equal to created refused", C, C, ms(C), "signature_invalid"],
    ["expires before created refused", C, C - 10, ms(C - 20), "signature_invalid"],
  ];
  it.each(rows)("%s", (_name, created, expires, now, code) => {
    const refused = checkRequestWindow({ created, expires }, now);
    expect(refused?.code ?? null).toBe(code);
  });

  it("needs both created and expires", () => {
    expect(checkRequestWindow({ created: C }, ms(C))?.code).toBe("signature_invalid");
    expect(checkRequestWindow({ expires: C }, ms(C))?.code).toBe("signature_invalid");
  });

  it("the longest acceptance runs from created - 30 s to created + 60 s", () => {
    const latest = ms(C + REQUEST_LIFETIME_SECONDS);
    expect(checkRequestWindow({ created: C, expires: C + REQUEST_LIFETIME_SECONDS }, ms(C) - CLOCK_SKEW_SECONDS * 1000)).toBeUndefined();
    expect(checkRequestWindow({ created: C, expires: C + REQUEST_LIFETIME_SECONDS }, latest + 1)?.code).toBe("signature_expired");
  });
});

describe("response window (SDK clock)", () => {
  const requestCreated = C;
  const rows: [string, number, number, string | null][] = [
    ["signed when the request was", C, ms(C), null],
    ["signed 30 s before the request (vault clock behind)", C - 30, ms(C), null],
    ["signed 31 s before the request", C - 31, ms(C), "signature_expired"],
    ["signed 30 s ahead of the SDK's clock", C + 30, ms(C), null],
    ["signed 30 s + 1 ms ahead", C + 30, ms(C) - 1, "signature_future"],
    ["answered a minute later (slow provider call)", C + 60, ms(C + 60), null],
  ];
  it.each(rows)("%s", (_name, created, now, code) => {
    expect(checkResponseWindow(created, requestCreated, now)?.code ?? null).toBe(code);
  });

  it("needs created", () => {
    expect(checkResponseWindow(undefined, requestCreated, ms(C))?.code).toBe("signature_invalid");
  });
});

describe("covered response components", () => {
  it("are the fixed ones, then every alter-* header present, lower-case and sorted", () => {
    const names = protocolHeaderNames({ "content-type": "application/json", "Alter-Zeta": "1", "alter-key-deprecated": "2030-01-01", "x-alter-no": "x", "alter-": "bare prefix", "alter": "no dash" });
    expect(names).toEqual(["alter-", "alter-key-deprecated", "alter-zeta"]);
    expect(responseComponents(names)).toEqual([...RESPONSE_FIXED_COMPONENTS, "alter-", "alter-key-deprecated", "alter-zeta"]);
    expect(responseComponents(protocolHeaderNames({ "content-type": "x" }))).toBe(RESPONSE_FIXED_COMPONENTS);
  });
});
