// Every kind of answer the vault reads from an OAuth or OIDC server has a size limit: token
// (code exchange and refresh), revocation, userinfo, RFC 8414 metadata, OIDC discovery, JWKS.
// Each row streams an oversized answer (one reused 64 KiB chunk, so the test allocates nothing)
// and checks the clear error that names the endpoint and the limit, that the vault stopped
// reading early, and that its memory did not grow by anything like the answer's size.
import { SignJWT, generateKeyPair } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { credentialFingerprint } from "../../../protocol/fingerprint.js";
import { setIdp, setOAuthEndpoints } from "../../support/vault-admin.js";
import { tokenJson, type Answer } from "../../support/oauth-server.js";
import { startScripted, type Scripted } from "./scripted.js";

const MiB = 1024 * 1024;
const HUGE = 64 * MiB;
const huge = (prefix = '{"access_token":"', bytes = HUGE, declareLength = false): Answer => ({ stream: { prefix, bytes, declareLength } });

let s: Scripted;
beforeAll(async () => {
  s = await startScripted();
});
afterAll(async () => {
  await s?.close();
});

/** Runs `fn` while sampling the process's heap and external memory; returns its peak growth. */
async function peakGrowth(fn: () => Promise<void>): Promise<number> {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const base = used();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, used());
  }, 2);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, used()) - base;
}

async function connectedGrant(): Promise<{ grantId: string; token: string }> {
  const answer = tokenJson();
  s.as.token = () => ({ json: answer });
  const run = await s.connect();
  expect(run.status.status).toBe("completed");
  return { grantId: run.status.grants[0]!.grantId, token: String(answer.access_token) };
}

const auditDetails = async (action: string) =>
  (await s.sql<{ details: string }>("SELECT details FROM audit WHERE action = ? ORDER BY seq DESC LIMIT 1", action)).map((r) => JSON.parse(r.details) as Record<string, unknown>)[0];

interface Row {
  name: string;
  /** The path of the scripted server that streams, for the bytes-read check. */
  path: string;
  answerBytes: number;
  /** Arranges the oversized answer, triggers the vault, returns the message the user sees. */
  run(): Promise<string>;
  expected: RegExp;
}

const origin = () => s.as.url.replace(/[.]/g, "\\.");
const ROWS: Row[] = [
  {
    name: "token (code exchange)",
    path: "/token",
    answerBytes: HUGE,
    async run() {
      s.as.token = () => huge();
      return (await s.connect()).status.error!.message;
    },
    expected: /asana's token endpoint \(ORIGIN\) answered more than 256 KiB, the vault's limit for token endpoint answers/,
  },
  {
    name: "token with a 24 MiB access_token and a declared length",
    path: "/token",
    answerBytes: 24 * MiB,
    async run() {
      s.as.token = () => huge('{"access_token":"', 24 * MiB, true);
      const run = await s.connect();
      expect(run.status.grants).toEqual([]);
      return run.status.error!.message;
    },
    expected: /asana's token endpoint \(ORIGIN\) answered more than 256 KiB/,
  },
  {
    name: "token (refresh)",
    path: "/token",
    answerBytes: HUGE,
    async run() {
      const grant = await connectedGrant();
      s.as.token = () => huge();
      const e = await s.retrieve(grant.grantId, credentialFingerprint(grant.token)).catch((err: Error) => err);
      expect(e).toMatchObject({ code: "token_refresh_in_progress" });
      return (e as Error).message;
    },
    expected: /asana's token endpoint \(ORIGIN\) answered more than 256 KiB/,
  },
  {
    name: "revocation",
    path: "/revoke",
    answerBytes: HUGE,
    async run() {
      const grant = await connectedGrant();
      s.as.revoke = () => huge("{");
      const res = await s.transport.request<{ grant: { status: string } }>("POST", `/v1/grants/${grant.grantId}/revoke`, { body: { reason: "test" } });
      expect(res.data.grant.status).toBe("revoked");
      return String((await auditDetails("grant.revoke.provider"))?.message);
    },
    expected: /asana's revocation endpoint \(ORIGIN\) answered more than 64 KiB, the vault's limit for revocation endpoint answers/,
  },
  {
    name: "userinfo",
    path: "/userinfo",
    answerBytes: HUGE,
    async run() {
      s.as.token = () => ({ json: tokenJson() });
      s.as.userinfo = () => huge('{"email":"');
      const run = await s.connect();
      expect(run.status.status).toBe("completed");
      return String((await auditDetails("connect"))?.accountLookup);
    },
    expected: /asana's userinfo endpoint \(ORIGIN\) answered more than 256 KiB/,
  },
  {
    name: "authorization server metadata (RFC 8414)",
    path: "/.well-known/oauth-authorization-server",
    answerBytes: HUGE,
    async run() {
      s.as.metadata = () => huge('{"issuer":"');
      return (await setOAuthEndpoints({ dataDir: s.dataDir, provider: "asana", issuer: s.as.issuer }).then(() => "accepted", (e: Error) => e.message));
    },
    expected: /asana's authorization server metadata \(ORIGIN\) answered more than 256 KiB/,
  },
  {
    name: "OIDC discovery",
    path: "/.well-known/openid-configuration",
    answerBytes: HUGE,
    async run() {
      s.as.metadata = () => huge('{"issuer":"');
      return setIdp({ dataDir: s.dataDir, issuer: s.as.issuer, clientId: "app" }).then(() => "accepted", (e: Error) => e.message);
    },
    expected: /OIDC discovery at ORIGIN\/\.well-known\/openid-configuration failed: the IDP ORIGIN's OpenID discovery document \(ORIGIN\) answered more than 256 KiB/,
  },
  {
    name: "JWKS",
    path: "/jwks",
    answerBytes: HUGE,
    async run() {
      s.as.metadata = () => ({
        json: { issuer: s.as.issuer, jwks_uri: s.as.endpoints.jwks, authorization_endpoint: s.as.endpoints.authorize, token_endpoint: s.as.endpoints.token, id_token_signing_alg_values_supported: ["RS256"] },
      });
      await setIdp({ dataDir: s.dataDir, issuer: s.as.issuer, clientId: "app" });
      s.as.jwks = () => huge('{"keys":[');
      const { privateKey } = await generateKeyPair("RS256");
      const jwt = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "k1" }).setIssuer(s.as.issuer).setAudience("app").setSubject("u").setExpirationTime("5m").sign(privateKey);
      const e = await s.transport.request("GET", "/v1/grants", { userToken: jwt }).catch((err: Error) => err);
      expect(e).toMatchObject({ code: "user_token_invalid" });
      return (e as Error).message;
    },
    expected: /the IDP's JWKS \(ORIGIN\) answered more than 256 KiB, the vault's limit for JWKS answers/,
  },
];

it.each(ROWS.map((r) => [r.name, r] as const))("%s: refused at the limit, memory flat", async (_name, row) => {
  const before = s.as.streamedBytes(row.path);
  let message = "";
  const growth = await peakGrowth(async () => {
    message = await row.run();
  });
  expect(message).toMatch(new RegExp(row.expected.source.replace(/ORIGIN/g, origin())));
  // The vault stopped reading long before the end of the answer...
  expect(s.as.streamedBytes(row.path) - before).toBeLessThan(row.answerBytes / 4);
  // ...and its memory never grew by anything like the answer's size.
  expect(growth).toBeLessThan(16 * MiB);
});

it("a JWKS that drips one byte at a time is cut off at the whole-exchange deadline", async () => {
  // The IDP of the JWKS row above stays configured; its key set now never finishes.
  s.as.jwks = () => ({ drip: { prefix: '{"keys":[', everyMs: 200 } });
  const { privateKey } = await generateKeyPair("RS256");
  const jwt = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "k2" }).setIssuer(s.as.issuer).setAudience("app").setSubject("u").setExpirationTime("5m").sign(privateKey);
  const e = await s.transport.request("GET", "/v1/grants", { userToken: jwt }).catch((err: Error) => err);
  expect(e).toMatchObject({ code: "user_token_invalid" });
  expect((e as Error).message).toMatch(new RegExp(`the IDP's JWKS \\(${origin()}\\) did not answer within 5 s, the vault's limit for JWKS requests`));
}, 20_000);
