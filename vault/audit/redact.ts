// URL redaction for audit rows and approval pages: secret-looking query values and userinfo
// become REDACTED, so no credential that slipped into a URL is ever stored.
const SECRET_PARAM = /(token|key|secret|password|passwd|pwd|signature|sig|code|auth|credential|session|jwt|assertion)/i;

export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "[unparseable URL]";
  }
  if (u.username || u.password) {
    u.username = "REDACTED";
    u.password = "";
  }
  const params = [...u.searchParams.entries()];
  if (params.some(([k]) => SECRET_PARAM.test(k))) {
    const q = new URLSearchParams();
    for (const [k, v] of params) q.append(k, SECRET_PARAM.test(k) ? "REDACTED" : v);
    u.search = q.toString();
  }
  return u.toString();
}
