// The caller's address behind reverse proxies (vault/http/client-address.ts): forwarded headers
// count only when the TCP peer is a trusted proxy, read right to left, and the right-most address
// that is not a trusted proxy is the client. Each row names the case it covers.
import { describe, expect, it } from "vitest";
import { forwardedFor, parseNodeAddress, resolveClientAddress, UNKNOWN_ADDRESS, type ForwardedHeaders } from "../../../vault/http/client-address.js";

const PROXIES = ["10.0.0.0/24", "2001:db8:ffff::/48"];

const cases: [name: string, peer: string, headers: ForwardedHeaders, trusted: string[], want: string][] = [
  ["no trusted proxies: headers are ignored", "203.0.113.9", { xForwardedFor: ["10.1.1.1"] }, [], "203.0.113.9"],
  ["an untrusted peer spoofing X-Forwarded-For", "203.0.113.9", { xForwardedFor: ["10.1.1.1"] }, PROXIES, "203.0.113.9"],
  ["an untrusted peer spoofing Forwarded", "203.0.113.9", { forwarded: ["for=10.1.1.1"] }, PROXIES, "203.0.113.9"],
  ["dual-stack peer form is normalised", "::ffff:203.0.113.9", {}, PROXIES, "203.0.113.9"],
  ["trusted peer without headers is the client", "10.0.0.5", {}, PROXIES, "10.0.0.5"],
  ["trusted proxy, one hop", "10.0.0.5", { xForwardedFor: ["198.51.100.7"] }, PROXIES, "198.51.100.7"],
  ["client-written entries left of the real one are ignored", "10.0.0.5", { xForwardedFor: ["10.9.9.9, 198.51.100.7"] }, PROXIES, "198.51.100.7"],
  ["two trusted hops", "10.0.0.5", { xForwardedFor: ["198.51.100.7, 10.0.0.6"] }, PROXIES, "198.51.100.7"],
  ["several header lines form one chain", "10.0.0.5", { xForwardedFor: ["1.1.1.1, 198.51.100.7", "10.0.0.6"] }, PROXIES, "198.51.100.7"],
  ["every hop trusted: the left-most", "10.0.0.5", { xForwardedFor: ["10.0.0.7, 10.0.0.6"] }, PROXIES, "10.0.0.7"],
  ["an IPv4 entry with a port", "10.0.0.5", { xForwardedFor: ["198.51.100.7:52311"] }, PROXIES, "198.51.100.7"],
  ["an IPv6 entry", "2001:db8:ffff::1", { xForwardedFor: ["2001:DB8::7"] }, PROXIES, "2001:db8::7"],
  ["a bracketed IPv6 entry with a port", "10.0.0.5", { xForwardedFor: ["[2001:db8::7]:443"] }, PROXIES, "2001:db8::7"],
  ["garbage where the client should be fails closed", "10.0.0.5", { xForwardedFor: ["not-an-ip"] }, PROXIES, UNKNOWN_ADDRESS],
  ["garbage left of the client does not matter", "10.0.0.5", { xForwardedFor: ["<script>, 198.51.100.7"] }, PROXIES, "198.51.100.7"],
  ["an empty header fails closed", "10.0.0.5", { xForwardedFor: [""] }, PROXIES, UNKNOWN_ADDRESS],
  ["Forwarded, one element", "10.0.0.5", { forwarded: ["for=198.51.100.7;proto=https;by=10.0.0.5"] }, PROXIES, "198.51.100.7"],
  ["Forwarded, quoted IPv6 with port", "10.0.0.5", { forwarded: ['for="[2001:db8:cafe::17]:4711"'] }, PROXIES, "2001:db8:cafe::17"],
  ["Forwarded, case-insensitive parameter name", "10.0.0.5", { forwarded: ["For=198.51.100.7"] }, PROXIES, "198.51.100.7"],
  ["Forwarded, spoofed element left of the real one", "10.0.0.5", { forwarded: ["for=10.9.9.9, for=198.51.100.7"] }, PROXIES, "198.51.100.7"],
  ["Forwarded, a trusted hop on the right", "10.0.0.5", { forwarded: ["for=198.51.100.7", "for=10.0.0.6"] }, PROXIES, "198.51.100.7"],
  ["Forwarded, quoted comma does not split elements", "10.0.0.5", { forwarded: ['for=198.51.100.7;x="a,b"'] }, PROXIES, "198.51.100.7"],
  ["Forwarded, an obfuscated identifier fails closed", "10.0.0.5", { forwarded: ["for=_hidden"] }, PROXIES, UNKNOWN_ADDRESS],
  ["Forwarded, for=unknown fails closed", "10.0.0.5", { forwarded: ["for=unknown"] }, PROXIES, UNKNOWN_ADDRESS],
  ["Forwarded, an element without for fails closed", "10.0.0.5", { forwarded: ["proto=https"] }, PROXIES, UNKNOWN_ADDRESS],
  ["both headers agreeing", "10.0.0.5", { xForwardedFor: ["198.51.100.7"], forwarded: ["for=198.51.100.7"] }, PROXIES, "198.51.100.7"],
  // The proxy appends to X-Forwarded-For only and passes the client's Forwarded through.
  ["both headers disagreeing fail closed", "10.0.0.5", { xForwardedFor: ["198.51.100.7"], forwarded: ["for=10.1.1.1"] }, PROXIES, UNKNOWN_ADDRESS],
  ["a trusted single address without prefix", "192.0.2.1", { xForwardedFor: ["198.51.100.7"] }, ["192.0.2.1"], "198.51.100.7"],
];

describe("resolveClientAddress", () => {
  it.each(cases)("%s", (_name, peer, headers, trusted, want) => {
    expect(resolveClientAddress(peer, headers, trusted)).toBe(want);
  });
});

describe("address and header parsing", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["198.51.100.7:80", "198.51.100.7"],
    ["[::1]:80", "::1"],
    ["::ffff:198.51.100.7", "198.51.100.7"],
    ["[198.51.100.7]:80", undefined],
    ["198.51.100.7:", undefined],
    ["999.1.1.1", undefined],
    ["unknown", undefined],
    ["", undefined],
  ])("parseNodeAddress(%j) = %j", (text, want) => {
    expect(parseNodeAddress(text)).toBe(want);
  });

  it("reads one for value per element, escaped quotes included", () => {
    expect(forwardedFor('for=a;by=b, proto=http, for="c\\"d";host=x')).toEqual(["a", "", 'c"d']);
  });
});
