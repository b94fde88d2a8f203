// CPU per call of scrubbing a provider's answer of the injected credential (protocol/scrub.ts),
// which the runtime does on every retrieve-mode call and the vault on every proxied one: working
// out the credential's forms, then one pass over the answer's headers and body. The answer is a
// GitHub-like 200 (the response headers api.github.com sends for `repos/get`, a Link header
// included, and the provider stand-in's 283-byte body) that does not quote the credential: the
// common case, and the one whose cost every call pays.

const HEADERS = {
  date: "Wed, 02 Dec 2026 12:00:00 GMT",
  "content-type": "application/json; charset=utf-8",
  "cache-control": "private, max-age=60, s-maxage=60",
  vary: "Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With",
  etag: 'W/"8a4c2f1e7b5d3a9c0e6f4b2d8a1c7e5f3b9d0a2c4e6f8b1d3a5c7e9f0b2d4a6c"',
  "last-modified": "Tue, 01 Dec 2026 09:30:00 GMT",
  "x-oauth-scopes": "repo, read:org",
  "x-accepted-oauth-scopes": "repo",
  "github-authentication-token-expiration": "2027-01-01 00:00:00 UTC",
  "x-github-media-type": "github.v3; format=json",
  "x-github-api-version-selected": "2022-11-28",
  "x-ratelimit-limit": "5000",
  "x-ratelimit-remaining": "4987",
  "x-ratelimit-reset": "1796211600",
  "x-ratelimit-used": "13",
  "x-ratelimit-resource": "core",
  "access-control-expose-headers":
    "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset",
  "access-control-allow-origin": "*",
  "strict-transport-security": "max-age=31536000; includeSubdomains; preload",
  "x-frame-options": "deny",
  "x-content-type-options": "nosniff",
  "x-xss-protection": "0",
  "referrer-policy": "origin-when-cross-origin, strict-origin-when-cross-origin",
  "content-security-policy": "default-src 'none'",
  link: '<https://api.github.com/organizations/9919/repos?per_page=30&page=2>; rel="next", <https://api.github.com/organizations/9919/repos?per_page=30&page=12>; rel="last"',
  server: "github.com",
  "x-github-request-id": "E3B4:2C1F:1A2B3C4:1B2C3D4:6750A1B2",
};

const BODY = JSON.stringify({
  id: 1296269, name: "Hello-World", full_name: "octocat/Hello-World", private: false,
  owner: { login: "octocat", id: 1, type: "User" }, html_url: "https://github.com/octocat/Hello-World",
  description: "This your first repo!", fork: false, default_branch: "main", stargazers_count: 80,
});

/** Rows of { label, us } for the scrubbing steps, measured like cpuPerCall's steps. */
export async function scrubCpu({ importDist, iterations, token, log }) {
  let scrub;
  try {
    scrub = await importDist("protocol/scrub.js");
  } catch {
    return []; // a build without protocol/scrub.ts (before it existed)
  }
  const injection = { type: "bearer" };
  const credential = { token };
  const sent = { accept: "application/json", authorization: `Bearer ${token}` };
  const headers = () => ({ ...HEADERS });
  const build = () => scrub.credentialScrubber(injection, credential, sent);
  const s = build();
  const h = headers();
  if (s.headers(h) !== h || s.text(BODY) !== BODY) throw new Error("scrub self-check: a clean answer was changed");
  if (!s.text(`x ${token} y`).includes("[REDACTED]")) throw new Error("scrub self-check: the token was not found");
  const steps = [
    ["work out the credential's forms (bearer token)", () => build()],
    [`scrub the response headers (${Object.keys(HEADERS).length} GitHub headers, none quoting it)`, () => s.headers(h)],
    [`scrub the body (${BODY.length} bytes of JSON)`, () => s.text(BODY)],
  ];
  const rows = [];
  for (const [label, fn] of steps) {
    for (let i = 0; i < Math.min(2000, iterations); i++) fn();
    const t0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn();
    const d = process.cpuUsage(t0);
    rows.push({ label, us: (d.user + d.system) / iterations });
    log(`cpu: ${label}: ${rows.at(-1).us.toFixed(2)} µs`);
  }
  rows.push({ label: "**scrubbing per call**", us: rows.reduce((sum, r) => sum + r.us, 0), total: true });
  return rows;
}
