// protocol/scrub.ts: every form of an injected credential, for every kind of injection, in text,
// headers and bytes. Leaks are looked for with test/support/canary-forms.ts's own decoding, not
// with the scrubber's list of forms.
import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { credentialScrubber, NO_SCRUBBER, SCRUBBED, Scrubber } from "../../protocol/scrub.js";
import { injectCredential, type Injection } from "../../protocol/injection.js";

const TOKEN = "ghp_CANARYscrub/tok+en=7f3a~9!c*Q2\"<&>'";
const PLAIN_TOKEN = "xoxb-CANARY-1234567890-abcdefABCDEF";
const USER = "canary-user-5d1e";
const BOARD_KEY = "CANARYboard/key+0a9f=e";
const PASS = "CANARY/pass+word=8b2c!x";
const AWS = { accessKeyId: "AKIACANARYKEYID00001", secretAccessKey: "wJalrCANARY/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "FwoGZXIvYXdzEJr//////////wEaDCANARYsession+tok=" };

interface Case {
  injection: Injection;
  credential: Record<string, string>;
  /** Values that must never survive a scrub. */
  secrets: string[];
}

const CASES: [string, Case][] = [
  ["bearer", { injection: { type: "bearer" }, credential: { token: TOKEN }, secrets: [TOKEN] }],
  ["bearer, plain token", { injection: { type: "bearer" }, credential: { token: PLAIN_TOKEN }, secrets: [PLAIN_TOKEN] }],
  ["header with a prefix", { injection: { type: "header", name: "X-Api-Key", prefix: "token " }, credential: { token: TOKEN }, secrets: [TOKEN] }],
  ["query", { injection: { type: "query", name: "api_key" }, credential: { token: TOKEN }, secrets: [TOKEN] }],
  ["basic", { injection: { type: "basic" }, credential: { username: USER, password: PASS }, secrets: [USER, PASS, `${USER}:${PASS}`] }],
  ["aws-sigv4", { injection: { type: "aws-sigv4", region: "us-east-1", service: "dynamodb" }, credential: AWS, secrets: [AWS.secretAccessKey, AWS.sessionToken] }],
  ["cookie", { injection: { type: "cookie", name: "sid" }, credential: { token: PLAIN_TOKEN }, secrets: [PLAIN_TOKEN] }],
  [
    "multi (a query key and a header token at once)",
    {
      injection: { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "header", name: "X-Api-Key", field: "token", prefix: "Token " }] },
      credential: { key: BOARD_KEY, token: TOKEN },
      secrets: [BOARD_KEY, TOKEN],
    },
  ],
];

const b64 = (s: string) => Buffer.from(s).toString("base64");
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
const mixedHex = (s: string) => s.replace(/%([0-9A-F])([0-9A-F])/g, (_, a: string, b: string) => `%${a.toLowerCase()}${b}`);
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const numericHtml = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
const goJson = (s: string) => JSON.stringify(s).slice(1, -1).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);

/** The ways a provider quotes one value back, each embedded in ordinary text. */
const ECHOES: [string, (v: string, header: string) => string][] = [
  ["raw", (v) => `token=${v}; more`],
  ["the header value", (_v, h) => `you sent "${h}"`],
  ["encodeURIComponent", (v) => `?t=${encodeURIComponent(v)}&x=1`],
  ["lower-case hex", (v) => `?t=${lowerHex(encodeURIComponent(v))}`],
  ["mixed-case hex", (v) => `?t=${mixedHex(encodeURIComponent(v))}`],
  ["form encoding (URLSearchParams)", (v) => new URLSearchParams({ a: "1", t: v }).toString()],
  ["encoded twice", (v) => `next=${encodeURIComponent(`https://x.test/?t=${encodeURIComponent(v)}`)}`],
  ["JSON", (v) => JSON.stringify({ echo: v })],
  ["JSON with escaped slashes", (v) => JSON.stringify({ echo: v }).replace(/\//g, "\\/")],
  ["JSON with \\u escapes (Go)", (v) => `{"echo":"${goJson(v)}"}`],
  ["HTML", (v) => `<p>${html(v)}</p>`],
  ["HTML numeric references", (v) => `<p>${numericHtml(v)}</p>`],
  ["base64 of the value", (v) => `b64=${b64(v)}`],
  ["base64url of the value", (v) => `b64=${Buffer.from(v).toString("base64url")}`],
  ["base64 of the header value", (_v, h) => `x=${b64(h)}`],
  ["base64 inside a blob, after 1 byte", (v) => b64(`{${v}}`)],
  ["base64 inside a blob, after 2 bytes", (v) => b64(`{"${v}"}`)],
  ["base64 of the request's headers as JSON", (_v, h) => b64(JSON.stringify({ host: "api.test", authorization: h, accept: "*/*" }))],
];

/** Which secrets are still in `text`: plain, or once percent-, JSON-, HTML- or base64-decoded. */
function leaks(text: string, secrets: string[]): string[] {
  const views = [text, decodeURIComponentLenient(text), decodeURIComponentLenient(decodeURIComponentLenient(text)), unescapeJson(text), unescapeHtml(text)];
  for (const run of text.match(/[A-Za-z0-9+/_-]{12,}/g) ?? []) {
    for (let k = 0; k < 4; k++) {
      const decoded = Buffer.from(run.slice(k).replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1");
      views.push(decoded, unescapeJson(decoded));
    }
  }
  return secrets.filter((s) => views.some((v) => v.includes(s)));
}
function unescapeJson(s: string): string {
  return s.replace(/\\u([0-9A-Fa-f]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\([/"\\])/g, "$1");
}
function unescapeHtml(s: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return s.replace(/&(#[xX]?[0-9A-Fa-f]+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith("#") ? String.fromCharCode(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : named[e]!,
  );
}
function decodeURIComponentLenient(s: string): string {
  return s.replace(/\+/g, " ").replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function scrubberFor(c: Case): { scrubber: Scrubber; header: string } {
  const sent = injectCredential(c.injection, c.credential, { method: "GET", url: "https://api.test/x", headers: {}, body: null }, Date.UTC(2026, 0, 1));
  const header =
    c.injection.type === "query"
      ? new URL(sent.url).searchParams.get("api_key")!
      : (sent.headers[c.injection.type === "header" || c.injection.type === "multi" ? "x-api-key" : c.injection.type === "cookie" ? "cookie" : "authorization"] ?? "");
  return { scrubber: credentialScrubber(c.injection, c.credential, sent.headers), header };
}

describe.each(CASES)("%s credential", (_name, c) => {
  const { scrubber, header } = scrubberFor(c);
  const values = c.injection.type === "basic" || c.injection.type === "multi" ? c.secrets : c.secrets.slice(0, 1);
  it.each(ECHOES.flatMap(([echo, make]) => values.map((v) => [echo, v === c.secrets[0] ? "first part" : v === values[values.length - 1] ? "whole" : "part", make(v, header)] as const)))(
    "%s (%s) is scrubbed from text",
    (_echo, _which, text) => {
      // The header value that carried the credential is a secret of its own (a SigV4 signature).
      const secrets = [...c.secrets, header];
      expect(leaks(text, secrets), `before: ${text}`).not.toEqual([]);
      const out = scrubber.text(text);
      expect(leaks(out, secrets), out).toEqual([]);
      expect(out).toContain(SCRUBBED);
    },
  );

  it("scrubs header names and values, and returns the same object when nothing matched", () => {
    const clean = { "content-type": "application/json", date: "Thu, 01 Jan 2026 00:00:00 GMT", "x-ratelimit-remaining": "4999" };
    expect(scrubber.headers(clean)).toBe(clean);
    const echoed = { ...clean, location: `https://api.test/next?t=${encodeURIComponent(c.secrets[0]!)}`, "x-echo": header, [`x-${b64(c.secrets[0]!).slice(0, 20)}`]: "1" };
    const out = scrubber.headers(echoed);
    expect(leaks(JSON.stringify(out), c.secrets)).toEqual([]);
    expect(out["content-type"]).toBe("application/json");
    expect(echoed.location).toContain("t="); // the input is not changed
  });

  it("scrubs bytes and keeps every other byte, including ones that are not UTF-8", () => {
    const head = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]);
    const tail = Buffer.from([0x80, 0x00, 0xe2, 0x82]);
    for (const form of [c.secrets[0]!, encodeURIComponent(c.secrets[0]!), b64(c.secrets[0]!)]) {
      const out = Buffer.from(scrubber.bytes(Buffer.concat([head, Buffer.from(form), tail])));
      expect(out.subarray(0, head.length).equals(head)).toBe(true);
      expect(out.subarray(out.length - tail.length).equals(tail)).toBe(true);
      expect(leaks(out.toString("latin1"), c.secrets)).toEqual([]);
    }
  });
});

describe("scrubber", () => {
  it("leaves text without the credential alone, however it looks", () => {
    const { scrubber } = scrubberFor(CASES[0]![1]);
    for (const text of ["", "ghp_", "plain text with % and & and \\ and +", JSON.stringify({ id: 1, url: "https://api.github.com/repos/o/r%20x" }), b64("some other value entirely")]) {
      expect(scrubber.text(text)).toBe(text);
    }
  });

  it("does not search for parts too short to be told from ordinary text, but does for what holds them", () => {
    const s = credentialScrubber({ type: "basic" }, { username: "api", password: "key-CANARY-abcdef" }, { authorization: `Basic ${b64("api:key-CANARY-abcdef")}` });
    expect(s.text("the api answered")).toBe("the api answered");
    expect(s.text("api:key-CANARY-abcdef")).not.toContain("key-CANARY");
  });

  it("treats the AWS access key id as public and the SigV4 signature as secret", () => {
    const c = CASES.find(([n]) => n === "aws-sigv4")![1];
    const { scrubber, header } = scrubberFor(c);
    const signature = /Signature=([0-9a-f]{64})/.exec(header)![1]!;
    expect(scrubber.text(`The AWS Access Key Id ${AWS.accessKeyId} is fine`)).toContain(AWS.accessKeyId);
    expect(scrubber.text(`signature ${signature} echoed`)).not.toContain(signature);
  });

  it("never prints what it searches for", () => {
    const { scrubber } = scrubberFor(CASES[0]![1]);
    expect(inspect(scrubber, { showHidden: true, depth: 5 })).not.toContain("CANARY");
    expect(JSON.stringify({ scrubber })).not.toContain("CANARY");
    expect(NO_SCRUBBER.active).toBe(false);
    expect(NO_SCRUBBER.text("anything")).toBe("anything");
  });
});
