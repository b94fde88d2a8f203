// Strict percent-encoding of one URL component, shared by the SDK's URL building (runtime/internal/url.ts)
// and the credential injection both sides run (injection.ts: query parameters, SigV4's canonical
// request).

// RFC 3986 unreserved characters stay as they are; encodeURIComponent leaves !'()* alone,
// which some servers treat as reserved, so those are escaped too.
export function encodeStrict(value: string): string {
  if (isUnreserved(value)) return value;
  const encoded = encodeURIComponent(value);
  return NEEDS_EXTRA_ESCAPE.test(encoded) ? encoded.replace(EXTRA_ESCAPE, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()) : encoded;
}
const NEEDS_EXTRA_ESCAPE = /[!'()*]/;

// Most path and query values (ids, names, numbers) need no escaping at all; a character loop
// says so faster than encodeURIComponent can build a copy.
function isUnreserved(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
    if (!ok) return false;
  }
  return true;
}
const EXTRA_ESCAPE = /[!'()*]/g;
