// Token endpoint answers are checked when they arrive, for the code exchange of a connect and for
// every refresh: a bad expires_in, token_type or token characters are refused with an error that
// names the provider and the field (never the token), and nothing unusable is stored. A refresh
// answer's rotated refresh token is stored before anything else in it is checked, and the
// scopes a server actually grants (also when a refresh narrows them) become the grant's scopes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialFingerprint } from "../../../protocol/fingerprint.js";
import { TokenRefreshInProgressError } from "../../../runtime/errors.js";
import { setProviderConfig, setOAuthEndpoints } from "../../support/vault-admin.js";
import { tokenJson } from "../../support/oauth-server.js";
import { CLIENT, startScripted, type Scripted } from "./scripted.js";

let s: Scripted;
const issued: string[] = [];
const good = (extra: Record<string, unknown> = {}) => {
  const t = tokenJson(extra);
  issued.push(String(t.access_token), String(t.refresh_token));
  return t;
};

beforeAll(async () => {
  s = await startScripted();
});
afterAll(async () => {
  // No token the server issued, good or bad, is in any audit row.
  const audit = JSON.stringify(await s.sql("SELECT * FROM audit"));
  for (const t of issued) expect(audit).not.toContain(t);
  expect(audit).not.toContain(CLIENT.clientSecret);
  await s?.close();
});

type Bad = [name: string, fields: Record<string, unknown>, field: string, problem: RegExp];
// Each answer is otherwise valid and carries a new refresh token, so the refresh rows can check
// that the rotated refresh token was kept although the answer was refused.
const BAD: Bad[] = [
  ["expires_in 0", { expires_in: 0 }, "expires_in", /as 0, not a whole number of seconds from 1 to 315360000/],
  ["expires_in negative", { expires_in: -30 }, "expires_in", /as -30/],
  ["expires_in 1e13 (past what a date holds)", { expires_in: 1e13 }, "expires_in", /as 10000000000000/],
  ["expires_in a word", { expires_in: "soon" }, "expires_in", /as "soon"/],
  ["expires_in a fraction", { expires_in: 3599.5 }, "expires_in", /as 3599.5/],
  ["expires_in a boolean", { expires_in: true }, "expires_in", /as true/],
  ["token_type mac", { token_type: "mac" }, "token_type", /only accepts bearer/],
  ["token_type DPoP", { token_type: "DPoP" }, "token_type", /only accepts bearer/],
  ["token_type bot (not allowed for this provider)", { token_type: "bot" }, "token_type", /only accepts bearer/],
  ["token_type a number", { token_type: 1 }, "token_type", /as number/],
  ["access_token with CR LF", { access_token: "abc\r\nX-Injected: yes" }, "access_token", /a control character \(U\+000D at offset 3\)/],
  ["access_token with NUL", { access_token: "abc\u0000def" }, "access_token", /a control character \(U\+0000/],
  ["access_token with DEL", { access_token: "abc\u007fdef" }, "access_token", /a control character \(U\+007F/],
  ["access_token with a space", { access_token: "abc def" }, "access_token", /a space/],
  ["access_token not ASCII", { access_token: "tök3n" }, "access_token", /a non-ASCII character/],
  ["access_token empty", { access_token: "" }, "access_token", /empty/],
  ["access_token a number", { access_token: 12345 }, "access_token", /as number, not a string/],
  ["access_token null", { access_token: null }, "access_token", /as null/],
  ["access_token too long", { access_token: "a".repeat(20_000) }, "access_token", /of 20000 characters, over the limit of 16384/],
  ["refresh_token with LF", { refresh_token: "rt\nx" }, "refresh_token", /a control character \(U\+000A/],
  ["id_token with a control character", { id_token: "a.b\u0007.c" }, "id_token", /a control character/],
  ["scope not a string", { scope: ["a", "b"] }, "scope", /as object, not a string/],
  ["scope with a control character", { scope: "read\u0000write" }, "scope", /control or non-ASCII/],
];

describe("connect: a bad code exchange answer fails the session, stores nothing", () => {
  it.each(BAD)("%s", async (_name, fields, field, problem) => {
    const answer = { ...good(), ...fields };
    s.as.token = () => ({ json: answer });
    const before = (await s.sql("SELECT id FROM grants")).length;
    const run = await s.connect();
    expect(run.outcome).toBe("error");
    expect(run.status.status).toBe("failed");
    expect(run.status.error?.code).toBe("connect_failed");
    const message = run.status.error!.message;
    expect(message).toContain(`asana's token endpoint sent ${field}`);
    expect(message).toMatch(problem);
    expect(run.details).toContain(`asana's token endpoint sent ${field}`);
    // A token is never quoted back, not even a malformed one.
    if (field.endsWith("_token") && typeof fields[field] === "string" && fields[field] !== "") expect(message).not.toContain(fields[field]);
    expect(await s.sql("SELECT id FROM grants")).toHaveLength(before);
  });
  it("missing access_token", async () => {
    const { access_token: _a, ...rest } = good();
    s.as.token = () => ({ json: rest });
    const run = await s.connect();
    expect(run.status.error?.message).toMatch(/asana's token endpoint answered without an access_token/);
  });
});

describe("connect: answers the vault accepts", () => {
  type Ok = [name: string, fields: Record<string, unknown>, check: (row: { credential_expires_at: string | null; scopes: string }) => void];
  const OK: Ok[] = [
    ["token_type Bearer in any case", { token_type: "BEARER" }, () => {}],
    ["no token_type (taken as Bearer)", { token_type: undefined }, () => {}],
    ["expires_in as a digit string", { expires_in: "3600" }, (r) => expect(Date.parse(r.credential_expires_at!) - Date.now()).toBeGreaterThan(3500_000)],
    ["no expires_in: lifetime unknown", { expires_in: undefined }, (r) => expect(r.credential_expires_at).toBeNull()],
    ["the scopes granted, not those asked for", { scope: "read write" }, (r) => expect(JSON.parse(r.scopes)).toEqual(["read", "write"])],
    ["no scope field: the scopes asked for", { scope: undefined }, (r) => expect(JSON.parse(r.scopes)).toEqual(["default"])],
  ];
  it.each(OK)("%s", async (_name, fields, check) => {
    s.as.token = () => ({ json: { ...good(), ...fields } });
    const run = await s.connect();
    expect(run.status.status).toBe("completed");
    const row = (await s.sql<{ credential_expires_at: string | null; scopes: string }>("SELECT * FROM grants WHERE id = ?", run.status.grants[0]!.grantId))[0]!;
    check(row);
  });

  it("a token type the catalog allows for the provider (Slack's bot)", async () => {
    await setProviderConfig({ dataDir: s.dataDir, provider: "slack", clientId: "slack-app", clientSecret: "slack-secret-CANARY-1" });
    await setOAuthEndpoints({ dataDir: s.dataDir, provider: "slack", authorizeUrl: s.as.endpoints.authorize, tokenUrl: s.as.endpoints.token });
    s.as.token = () => ({ json: { ...good(), token_type: "bot" } });
    expect((await s.connect("slack")).status.status).toBe("completed");
  });
});

async function connectedGrant(extra: Record<string, unknown> = {}): Promise<{ grantId: string; token: string; refreshToken: string }> {
  const answer = good(extra);
  s.as.token = () => ({ json: answer });
  const run = await s.connect();
  expect(run.status.status).toBe("completed");
  return { grantId: run.status.grants[0]!.grantId, token: String(answer.access_token), refreshToken: String(answer.refresh_token) };
}

describe("refresh: a bad answer is refused, the rotated refresh token is kept", () => {
  it.each(BAD)("%s", async (_name, fields, field, problem) => {
    s.setClockOffset(0);
    const grant = await connectedGrant();
    const bad = { ...good(), ...fields };
    s.as.token = () => ({ json: bad });
    const refreshesBefore = s.as.requests("/token").length;
    // Report the current token as refused by the provider: the vault refreshes now.
    const err = await s.retrieve(grant.grantId, credentialFingerprint(grant.token)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRefreshInProgressError);
    const e = err as TokenRefreshInProgressError;
    expect(e.message).toContain(`asana's token endpoint sent ${field}`);
    expect(e.message).toMatch(problem);
    expect(e.retryAfter).toBeGreaterThan(0);
    expect(e.retryAfter).toBeLessThanOrEqual(2);
    expect(s.as.requests("/token")).toHaveLength(refreshesBefore + 1);
    expect((await s.sql<{ status: string }>("SELECT status FROM grants WHERE id = ?", grant.grantId))[0]!.status).toBe("active");

    // After the cool-down, the next refresh sends the refresh token of the refused answer when
    // it carried a valid one (the server has already spent the old one), else the old one.
    const fixed = good();
    s.as.token = () => ({ json: fixed });
    s.setClockOffset(2_500);
    expect(await s.retrieve(grant.grantId, credentialFingerprint(grant.token))).toBe(fixed.access_token);
    const sent = s.as.requests("/token").at(-1)!.form.get("refresh_token");
    expect(sent).toBe(field === "refresh_token" ? grant.refreshToken : bad.refresh_token);
  });
});

describe("refresh: granted scopes", () => {
  it("a refresh that narrows the scopes shrinks the grant's scopes, and the audit row says so", async () => {
    s.setClockOffset(0);
    const grant = await connectedGrant({ scope: "read write admin" });
    const next = good({ scope: "read" });
    s.as.token = () => ({ json: next });
    expect(await s.retrieve(grant.grantId, credentialFingerprint(grant.token))).toBe(next.access_token);
    const row = (await s.sql<{ scopes: string }>("SELECT scopes FROM grants WHERE id = ?", grant.grantId))[0]!;
    expect(JSON.parse(row.scopes)).toEqual(["read"]);
    const audit = await s.sql<{ outcome: string; details: string }>("SELECT outcome, details FROM audit WHERE action = 'grant.refresh' AND grant_id = ?", grant.grantId);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ scopes: ["read"], scopesRemoved: ["write", "admin"], scopesAdded: [], rotated: true });
  });

  it("a refresh answer without a scope field keeps the grant's scopes", async () => {
    s.setClockOffset(0);
    const grant = await connectedGrant({ scope: "read write" });
    const next = good({ scope: undefined });
    s.as.token = () => ({ json: next });
    await s.retrieve(grant.grantId, credentialFingerprint(grant.token));
    expect(JSON.parse((await s.sql<{ scopes: string }>("SELECT scopes FROM grants WHERE id = ?", grant.grantId))[0]!.scopes)).toEqual(["read", "write"]);
  });
});
