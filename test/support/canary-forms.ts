// Canary credentials and the ways a provider can echo them, for the scrubbing tests of both
// modes. What counts as a leak is worked out here independently of protocol/scrub.ts: the plain
// forms are searched for as text, and every base64-looking or percent-encoded run of what was
// captured is decoded and searched again, so a form the scrubber does not know is still found.
import type { CatalogInjection } from "../../catalog/index.js";
import type { RecordedRequest, ScriptedResponse } from "../../standins/index.js";

/** One injected credential: how it goes in, what the vault stores, its secret parts. */
export interface CanaryCredential {
  name: string;
  injection: CatalogInjection;
  /** The managed secret as `vault secrets add` takes it. */
  secret: { type: "token" | "basic" | "fields"; value: string };
  /** What the stand-in accepts (a token, or a basic pair). */
  accepts: string | { username: string; password: string };
  /** Every value that must never reach application code (each part on its own). */
  parts: string[];
}

// Tokens with characters that every encoding changes (/, +, =, ~, !, *), so the encoded forms
// differ from the raw one; each carries CANARY so a raw leak is easy to spot in a failure.
const TOKEN = "ghp_CANARYecho/tok+en=7f3a~9!c*Q2";
const USER = "canary-user-5d1e";
const PASS = "CANARY/pass+word=8b2c!x";
// A cookie value cannot hold ";", "," or spaces; these characters still change under every encoding.
const COOKIE = "CANARYcookie/se+ss=ion!4c7e";
const BOARD_KEY = "CANARYboard/key+0a9f=e~1";

export const CANARY_CREDENTIALS: CanaryCredential[] = [
  { name: "bearer", injection: { type: "bearer" }, secret: { type: "token", value: TOKEN }, accepts: TOKEN, parts: [TOKEN] },
  {
    name: "header with prefix",
    injection: { type: "header", name: "Authorization", prefix: "token " },
    secret: { type: "token", value: TOKEN },
    accepts: TOKEN,
    parts: [TOKEN],
  },
  { name: "query", injection: { type: "query", name: "access_token" }, secret: { type: "token", value: TOKEN }, accepts: TOKEN, parts: [TOKEN] },
  {
    name: "basic pair",
    injection: { type: "basic" },
    secret: { type: "basic", value: `${USER}:${PASS}` },
    accepts: { username: USER, password: PASS },
    parts: [USER, PASS, `${USER}:${PASS}`],
  },
  { name: "cookie", injection: { type: "cookie", name: "session" }, secret: { type: "token", value: COOKIE }, accepts: COOKIE, parts: [COOKIE] },
  {
    name: "two fields at once (a query key and a header token)",
    injection: { type: "multi", parts: [{ in: "query", name: "key", field: "key" }, { in: "header", name: "X-Api-Token", field: "token", prefix: "Token " }] },
    // In part order: the stand-in compares the fields it received as this JSON text.
    secret: { type: "fields", value: JSON.stringify({ key: BOARD_KEY, token: TOKEN }) },
    accepts: JSON.stringify({ key: BOARD_KEY, token: TOKEN }),
    parts: [BOARD_KEY, TOKEN],
  },
];

/** The credential as the stand-in received it: the header value that carried it, or the query value. */
export function carried(c: CanaryCredential, req: RecordedRequest): { headerValue: string; secret: string } {
  if (c.injection.type === "query") {
    const q = req.query[c.injection.name];
    const v = Array.isArray(q) ? q[0]! : (q ?? "");
    return { headerValue: v, secret: v };
  }
  if (c.injection.type === "cookie") return { headerValue: req.headers.cookie ?? "", secret: c.parts[0]! };
  const name = c.injection.type === "header" ? c.injection.name.toLowerCase() : c.injection.type === "multi" ? "x-api-token" : "authorization";
  const headerValue = req.headers[name] ?? "";
  return { headerValue, secret: c.parts[c.parts.length - 1]! };
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());

/** A provider answer that echoes the credential (built from the request as received). */
export interface Echo {
  name: string;
  /** 2xx answers come back as data; others as a ProviderAPIError. */
  ok: boolean;
  response(c: CanaryCredential, origin: string): ScriptedResponse;
}

export const ECHOES: Echo[] = [
  {
    name: "redirect whose Location keeps the token in its query",
    ok: false,
    response: (c, origin) => ({
      status: 302,
      respond: (req) => {
        const { secret } = carried(c, req);
        return { headers: { location: `${origin}/user?access_token=${encodeURIComponent(secret)}&raw=${secret}` }, body: { message: "moved" } };
      },
    }),
  },
  {
    name: "debug endpoint echoing the request's headers and URL in the body",
    ok: true,
    response: () => ({ status: 200, respond: (req) => ({ body: { id: 1, name: "echo", full_name: "o/r", headers: req.headers, url: req.url } }) }),
  },
  {
    name: "error body quoting the Authorization header",
    ok: false,
    response: (c) => ({ status: 400, respond: (req) => ({ body: { message: `refused credentials: ${carried(c, req).headerValue}` } }) }),
  },
  {
    name: "custom headers carrying the header value and the URL",
    ok: true,
    response: (c) => ({
      status: 200,
      respond: (req) => ({ headers: { "x-debug-auth": carried(c, req).headerValue, "x-echo-url": req.url, "x-github-request-id": `req-${carried(c, req).secret}` }, body: { id: 1, name: "n", full_name: "o/r" } }),
    }),
  },
  {
    name: "base64 and base64url of the header value, alone and inside a base64 blob",
    ok: true,
    response: (c) => ({
      status: 200,
      respond: (req) => {
        const { headerValue, secret } = carried(c, req);
        return {
          headers: { "x-b64": b64(headerValue), "x-b64url": b64url(secret) },
          body: { id: 1, name: b64(headerValue), full_name: b64url(headerValue), blob: b64(JSON.stringify(req.headers)), at1: b64(`x${secret}`), at2: b64(`xy${secret}`) },
        };
      },
    }),
  },
  {
    name: "the basic pair and each of its parts",
    ok: false,
    response: (c) => ({ status: 403, respond: (req) => ({ body: { message: `parts ${c.parts.join(" | ")} pair ${b64(c.parts[c.parts.length - 1]!)} seen ${carried(c, req).headerValue}` } }) }),
  },
  {
    name: "URL-encoded forms (upper and lower hex, form encoding, encoded twice)",
    ok: true,
    response: (c) => ({
      status: 200,
      respond: (req) => {
        const { secret } = carried(c, req);
        const enc = encodeURIComponent(secret);
        return { body: { id: 1, name: enc, full_name: lowerHex(enc), form: new URLSearchParams({ t: secret }).toString(), twice: encodeURIComponent(enc) } };
      },
    }),
  },
  {
    name: "JSON with escaped slashes (PHP's json_encode)",
    ok: true,
    response: (c) => ({
      status: 200,
      respond: (req) => {
        const escaped = JSON.stringify({ id: 1, name: "n", full_name: "o/r", echo: carried(c, req).secret }).replace(/\//g, "\\/");
        return { headers: { "content-type": "application/json" }, body: Buffer.from(escaped) };
      },
    }),
  },
  {
    name: "Link header whose next page keeps the token",
    ok: true,
    response: (c, origin) => ({
      status: 200,
      respond: (req) => ({ headers: { link: `<${origin}/repos/o/r?page=2&access_token=${encodeURIComponent(carried(c, req).secret)}>; rel="next"` }, body: { id: 1, name: "n", full_name: "o/r" } }),
    }),
  },
];

/** Every form searched for as text. */
export function plainForms(c: CanaryCredential, headerValue?: string): string[] {
  const forms = new Set<string>();
  for (const p of [...c.parts, ...(headerValue ? [headerValue] : [])]) {
    forms.add(p);
    forms.add(encodeURIComponent(p));
    forms.add(lowerHex(encodeURIComponent(p)));
    forms.add(new URLSearchParams({ t: p }).toString().slice(2));
    forms.add(p.replace(/\//g, "\\/"));
    forms.add(b64(p).replace(/=+$/, ""));
    forms.add(b64url(p));
  }
  return [...forms].filter((f) => f.length >= 6);
}

/** Text with runs of base64 decoded (at each alignment) and percent-escapes decoded (twice). */
function decodedViews(text: string): string[] {
  const views: string[] = [];
  let pct = text;
  for (let i = 0; i < 2; i++) {
    pct = pct.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    views.push(pct);
  }
  for (const run of text.match(/[A-Za-z0-9+/_-]{12,}/g) ?? []) {
    for (let k = 0; k < 4; k++) views.push(Buffer.from(run.slice(k).replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1"));
  }
  return views;
}

/** The first leak found in `text`: which form, and where; undefined when there is none. */
export function findLeak(c: CanaryCredential, text: string, headerValue?: string): string | undefined {
  for (const f of plainForms(c, headerValue)) {
    const at = text.indexOf(f);
    if (at !== -1) return `form ${JSON.stringify(f)} at …${text.slice(Math.max(0, at - 120), at + f.length + 20)}…`;
  }
  for (const view of decodedViews(text)) {
    for (const p of c.parts) {
      const at = p.length >= 6 ? view.indexOf(p) : -1;
      if (at !== -1) return `part ${JSON.stringify(p)} once decoded, at …${view.slice(Math.max(0, at - 60), at + p.length + 20)}…`;
    }
  }
  return undefined;
}
