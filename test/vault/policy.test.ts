// Policies, table-driven: expiry/TTL, time windows in IANA zones, IP allowlists, approval;
// anything unreadable denies.
import { describe, expect, it } from "vitest";
import { evaluatePolicy, type AccessFacts } from "../../vault/policy/evaluate.js";
import { inTimeWindow, localTime, localTimeUncached, secondsUntilOpen } from "../../vault/policy/time-window.js";
import { ipAllowed } from "../../vault/policy/ip-allowlist.js";
import { validatePolicy } from "../../vault/policy/validate.js";
import type { GrantPolicy } from "../../vault/grant-types.js";

const at = (iso: string) => Date.parse(iso);

describe("time windows", () => {
  const cases: [string, GrantPolicy["timeWindow"] & {}, string, boolean][] = [
    ["inside, Paris (UTC+1 in winter)", { start: "09:00", end: "17:00", timeZone: "Europe/Paris" }, "2026-01-14T08:30:00Z", true],
    ["before, Paris", { start: "09:00", end: "17:00", timeZone: "Europe/Paris" }, "2026-01-14T07:59:00Z", false],
    ["end is exclusive", { start: "09:00", end: "17:00", timeZone: "Europe/Paris" }, "2026-01-14T16:00:00Z", false],
    ["summer time shifts the UTC window", { start: "09:00", end: "17:00", timeZone: "Europe/Paris" }, "2026-07-14T07:30:00Z", true],
    ["same instant in New York is night", { start: "09:00", end: "17:00", timeZone: "America/New_York" }, "2026-07-14T07:30:00Z", false],
    ["weekday list excludes Saturday", { start: "00:00", end: "23:59", timeZone: "UTC", days: [1, 2, 3, 4, 5] }, "2026-01-17T12:00:00Z", false],
    ["weekday list includes Wednesday", { start: "00:00", end: "23:59", timeZone: "UTC", days: [1, 2, 3, 4, 5] }, "2026-01-14T12:00:00Z", true],
    ["overnight window, late evening", { start: "22:00", end: "06:00", timeZone: "Asia/Tokyo" }, "2026-01-14T14:00:00Z", true],
    ["overnight window, early morning", { start: "22:00", end: "06:00", timeZone: "Asia/Tokyo" }, "2026-01-14T20:30:00Z", true],
    ["overnight window, midday", { start: "22:00", end: "06:00", timeZone: "Asia/Tokyo" }, "2026-01-14T03:00:00Z", false],
    ["overnight window belongs to the opening day", { start: "22:00", end: "06:00", timeZone: "UTC", days: [5] }, "2026-01-17T03:00:00Z", true],
    ["overnight morning of a day not listed", { start: "22:00", end: "06:00", timeZone: "UTC", days: [5] }, "2026-01-16T03:00:00Z", false],
  ];
  for (const [name, w, when, expected] of cases) {
    it(name, () => expect(inTimeWindow(w, at(when))).toBe(expected));
  }

  // localTime caches one UTC offset per zone and UTC quarter hour; it must read exactly what Intl
  // reads, minute by minute, across DST changes (including half-hour zones and shifts).
  const transitions: [string, string][] = [
    ["Europe/Paris", "2026-03-29T00:00:00Z"],
    ["America/New_York", "2026-11-01T04:00:00Z"],
    ["Australia/Adelaide", "2026-04-04T14:00:00Z"],
    ["Australia/Lord_Howe", "2026-10-03T14:00:00Z"],
    ["America/St_Johns", "2026-03-08T04:00:00Z"],
    ["Asia/Kathmandu", "2026-01-14T00:00:00Z"],
  ];
  for (const [zone, from] of transitions) {
    it(`the cached local time equals Intl's around ${from} in ${zone}`, () => {
      const start = at(from);
      for (let m = 0; m < 6 * 60; m += 7) {
        const ms = start + m * 60_000 + 13_000;
        expect(localTime(ms, zone), new Date(ms).toISOString()).toEqual(localTimeUncached(ms, zone));
      }
    });
  }

  it("says when the window opens next", () => {
    const w = { start: "09:00", end: "17:00", timeZone: "Europe/Paris" };
    expect(secondsUntilOpen(w, at("2026-01-14T07:00:00Z"))).toBe(3600);
  });
});

describe("IP allowlists", () => {
  const cases: [string[], string, boolean][] = [
    [["10.0.0.0/8"], "10.20.30.40", true],
    [["10.0.0.0/8"], "11.0.0.1", false],
    [["10.0.0.0/8"], "::ffff:10.1.2.3", true],
    [["192.168.1.7"], "192.168.1.7", true],
    [["192.168.1.7"], "192.168.1.8", false],
    [["2001:db8::/32"], "2001:db8:1::5", true],
    [["2001:db8::/32"], "2001:db9::5", false],
    [["::1/128", "127.0.0.0/8"], "127.0.0.1", true],
    [["0.0.0.0/0"], "203.0.113.9", true],
    [["10.0.0.0/8"], "not-an-ip", false],
    [["10.0.0.0/8"], "", false],
  ];
  for (const [cidrs, addr, expected] of cases) {
    it(`${addr || "(empty)"} in ${cidrs.join(",")} → ${expected}`, () => expect(ipAllowed(cidrs, addr)).toBe(expected));
  }
});

describe("evaluatePolicy", () => {
  const base: AccessFacts = { nowMs: at("2026-01-14T12:00:00Z"), remoteAddress: "10.1.1.1", grantCreatedAt: "2026-01-14T11:00:00Z", mode: "retrieve" };
  const cases: [string, GrantPolicy, Partial<AccessFacts>, string | null][] = [
    ["empty policy allows", {}, {}, null],
    ["expiresAt in the past", { expiresAt: "2026-01-14T11:59:59Z" }, {}, "expiresAt"],
    ["expiresAt in the future", { expiresAt: "2026-01-14T12:00:01Z" }, {}, null],
    ["TTL outlived", { maxTtlSeconds: 3600 }, {}, "maxTtlSeconds"],
    ["TTL not yet outlived", { maxTtlSeconds: 3601 }, {}, null],
    ["outside the time window", { timeWindow: { start: "00:00", end: "01:00", timeZone: "UTC" } }, {}, "timeWindow"],
    ["address not allowed", { ipAllowlist: ["192.168.0.0/16"] }, {}, "ipAllowlist"],
    ["address allowed", { ipAllowlist: ["10.0.0.0/8"] }, {}, null],
    ["approval needs proxy mode", { requireApproval: true }, {}, "requireApproval"],
    ["approval in proxy mode allows (and asks)", { requireApproval: true }, { mode: "proxy" }, null],
    ["unreadable expiry fails closed", { expiresAt: "soon" }, {}, "invalid"],
    ["unknown time zone fails closed", { timeWindow: { start: "09:00", end: "17:00", timeZone: "Mars/Olympus" } }, {}, "invalid"],
    ["bad CIDR fails closed", { ipAllowlist: ["10.0.0.0/99"] }, {}, "invalid"],
    ["non-object policy fails closed", null as unknown as GrantPolicy, {}, "invalid"],
  ];
  for (const [name, policy, facts, deniedBy] of cases) {
    it(name, () => {
      const d = evaluatePolicy(policy, { ...base, ...facts });
      if (deniedBy === null) expect(d.allow).toBe(true);
      else expect(d).toMatchObject({ allow: false, policy: deniedBy });
    });
  }

  it("asks for approval in proxy mode", () => {
    expect(evaluatePolicy({ requireApproval: true }, { ...base, mode: "proxy" })).toEqual({ allow: true, requireApproval: true, approvalBy: ["grant"] });
  });
});

describe("validatePolicy", () => {
  const bad: [unknown, string][] = [
    [{ ttl: 5 }, "policy.ttl is not a policy field"],
    [{ maxTtlSeconds: -1 }, "maxTtlSeconds"],
    [{ expiresAt: "tomorrow" }, "expiresAt"],
    [{ timeWindow: { start: "9:00", end: "17:00", timeZone: "UTC" } }, "HH:MM"],
    [{ timeWindow: { start: "09:00", end: "17:00", timeZone: "Nowhere/Land" } }, "IANA"],
    [{ ipAllowlist: ["10.0.0.0/8", "bogus"] }, "ipAllowlist[1]"],
    [{ requireApproval: "yes" }, "requireApproval"],
  ];
  for (const [input, fragment] of bad) {
    it(`rejects ${JSON.stringify(input)} naming ${fragment}`, () => expect(() => validatePolicy(input)).toThrow(fragment));
  }
  it("normalises a good policy", () => {
    expect(validatePolicy({ expiresAt: "2026-02-01T00:00:00+01:00", ipAllowlist: [" 10.0.0.0/8 "] })).toEqual({
      expiresAt: "2026-01-31T23:00:00.000Z",
      ipAllowlist: ["10.0.0.0/8"],
    });
  });
});
