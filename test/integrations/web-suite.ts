// The cases every web adapter (Express, Hono, Fastify) must pass, run against the framework's
// real server on loopback and, where the framework has one, its own test entry point. Each
// framework's test file builds an app with these routes, each behind the adapter:
//
//   GET  /api/channels, POST /api/messages   withUserToken({ vault, realm: REALM, context })
//   GET  /optional/channels                  withUserToken({ vault, required: false, context })
//   GET  /cookie/channels                    withUserToken({ vault, token: <cookie "session">, context })
//   GET  /broken/channels                    withUserToken({ vault, token: brokenSession })
//
// where `context` puts the request's x-request-id header into the audit row as runId, and the
// handlers are world.handlers (channels, post, optional). Unhandled errors answer 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_CLIENT, callRows } from "../support/e2e.js";
import { send, startWebWorld, type Received, type Sent, type User, type WebWorld } from "./web-world.js";

export const REALM = "alter-test";
export const REQUEST_ID = "x-request-id";

export interface Served {
  /** Base URL of the framework's real server, listening on 127.0.0.1. */
  url: string;
  /** The framework's own test entry point (Hono's app.request, Fastify's inject), when it has one. */
  inject?: (sent: Sent) => Promise<Received>;
  close(): Promise<void>;
}

export interface AdapterCase {
  name: string;
  serve(world: WebWorld): Promise<Served>;
  /** Node frameworks see each Authorization header (400 invalid_request); fetch-based ones one joined value (401). */
  repeatedHeaders: 400 | 401;
}

/** A token option whose session store is down: the framework's error handling must take over. */
export const brokenSession = (): never => {
  throw new Error("the session store is unavailable");
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function describeAdapter(adapter: AdapterCase): void {
  let world: WebWorld;
  let served: Served;

  beforeAll(async () => {
    world = await startWebWorld(`web-${adapter.name}`);
    served = await adapter.serve(world);
  }, 120_000);
  afterAll(async () => {
    await served?.close();
    await world?.close();
  });

  const rowsOf = async (prefix: string) => callRows(await world.e2e.audit()).filter((r) => r.runId?.startsWith(`${prefix}-`));

  /** `count` requests of two users at once, GET and POST alternating; each audited under its own user. */
  async function interleaved(prefix: string, count: number, via: (sent: Sent) => Promise<Received>) {
    const users = Array.from({ length: count }, (_, i): User => (i % 3 === 0 ? "bob" : "alice"));
    const standin = world.e2e.standins.slack!;
    const from = standin.requests.length;
    const answers = await Promise.all(
      users.map((user, i) => {
        const headers = { ...bearer(world.jwt[user]), [REQUEST_ID]: `${prefix}-${i}` };
        return i % 2 === 0 ? via({ path: "/api/channels", headers }) : via({ method: "POST", path: "/api/messages", headers, json: { text: `${prefix} ${user} ${i}` } });
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(users.map(() => 200));
    const rows = await rowsOf(prefix);
    expect(rows).toHaveLength(count);
    for (const row of rows) {
      const i = Number(row.runId!.slice(prefix.length + 1));
      expect([row.runId, row.principalType, row.grantId]).toEqual([`${prefix}-${i}`, "user", world.grant[users[i]!]]);
    }
    // The provider saw each user's own credential on that user's messages.
    const posted = standin.requests.slice(from).filter((r) => r.path.endsWith("/chat.postMessage"));
    expect(posted).toHaveLength(count / 2);
    for (const req of posted) {
      const user = new RegExp(`"text":"${prefix} (alice|bob) \\d+"`).exec(JSON.stringify(req.body))?.[1] as User;
      expect(req.headers.authorization).toBe(`Bearer ${user === "alice" ? "xoxp-alice-CANARY-web-5120" : "xoxp-bob-CANARY-web-8833"}`);
    }
  }

  describe(`alter-gen/${adapter.name}`, () => {
    it("keeps 40 interleaved GET and POST requests of two users apart on a real server, each audited under its own user", async () => {
      await interleaved("live", 40, (sent) => send(served.url, sent));
    });

    it("does the same through the framework's own test entry point", async () => {
      if (!served.inject) return expect(adapter.name).toBe("express"); // Express has none of its own
      await interleaved("inject", 12, served.inject);
    });

    it.each([
      ["no Authorization header", {}, 401, `Bearer realm="${REALM}"`, "unauthorized"],
      ["another scheme (Basic)", { authorization: "Basic YWxpY2U6cHc=" }, 401, `Bearer realm="${REALM}"`, "unauthorized"],
      ["Bearer without a token", { authorization: "Bearer" }, 401, `Bearer realm="${REALM}", error="invalid_token"`, "invalid_token"],
      ["a token with a space in it", { authorization: "Bearer abc def" }, 401, `Bearer realm="${REALM}", error="invalid_token"`, "invalid_token"],
      ["a token outside token68", { authorization: "Bearer abc;def" }, 401, `Bearer realm="${REALM}", error="invalid_token"`, "invalid_token"],
    ] as const)("refuses %s with the RFC 6750 challenge, before the handler runs", async (_name, headers, status, challenge, error) => {
      const id = `refused-${error}-${Math.random().toString(36).slice(2, 8)}`;
      const res = await send(served.url, { path: "/api/channels", headers: { ...headers, [REQUEST_ID]: id } });
      expect(res.status).toBe(status);
      expect(String(res.headers["www-authenticate"])).toMatch(new RegExp(`^${challenge.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
      expect(res.body.error).toBe(error);
      expect(await rowsOf(id)).toEqual([]);
    });

    it("refuses a request with two Authorization headers", async () => {
      const res = await send(served.url, { path: "/api/channels", headers: { authorization: [`Bearer ${world.jwt.alice}`, `Bearer ${world.jwt.bob}`] } });
      expect(res.status).toBe(adapter.repeatedHeaders);
      const error = adapter.repeatedHeaders === 400 ? "invalid_request" : "invalid_token";
      expect(res.headers["www-authenticate"]).toContain(`error="${error}"`);
      expect(res.text).not.toContain(world.jwt.alice);
    });

    it("with required: false lets a request without a token through with no identity, and one with a token as its user", async () => {
      const anonymous = await send(served.url, { path: "/optional/channels", headers: { [REQUEST_ID]: "optional-0" } });
      expect([anonymous.status, anonymous.body]).toEqual([200, { user: false, code: "user_token_missing" }]);
      const signedIn = await send(served.url, { path: "/optional/channels", headers: { ...bearer(world.jwt.bob), [REQUEST_ID]: "optional-1" } });
      expect([signedIn.status, signedIn.body]).toEqual([200, { user: true }]);
      expect((await rowsOf("optional")).map((r) => [r.runId, r.grantId])).toEqual([["optional-1", world.grant.bob]]);
      // A token that is there but malformed is refused all the same.
      const malformed = await send(served.url, { path: "/optional/channels", headers: { authorization: "Bearer a,b" } });
      expect(malformed.status).toBe(401);
    });

    it("reads the token from the token option (a session cookie) instead of the Authorization header", async () => {
      const res = await send(served.url, { path: "/cookie/channels", headers: { cookie: `theme=dark; session=${world.jwt.alice}`, [REQUEST_ID]: "cookie-0" } });
      expect(res.status).toBe(200);
      expect((await rowsOf("cookie")).map((r) => r.grantId)).toEqual([world.grant.alice]);
      // The option replaces the header: a bearer header alone is no session.
      const headerOnly = await send(served.url, { path: "/cookie/channels", headers: bearer(world.jwt.alice) });
      expect([headerOnly.status, headerOnly.headers["www-authenticate"]]).toEqual([401, "Bearer"]);
    });

    it.each([
      ["expired", { audience: APP_CLIENT.clientId, expiresIn: -120 }],
      ["issued for another app", { audience: "another-app" }],
    ] as const)("answers 401 invalid_token when the vault refuses a well-formed token (%s) during the request", async (_name, mint) => {
      const token = await world.e2e.idp.mintIdToken("alice", mint);
      for (const [path, json] of [["/api/channels"], ["/api/messages", { text: "refused" }]] as const) {
        const res = await send(served.url, { method: json ? "POST" : "GET", path, headers: bearer(token), json });
        expect(res.status).toBe(401);
        expect(res.headers["www-authenticate"]).toMatch(new RegExp(`^Bearer realm="${REALM}", error="invalid_token", error_description="[^"]+"$`));
        expect(res.body.error).toBe("invalid_token");
        expect(res.text).not.toContain(token);
      }
    });

    it("leaves the handler's other errors to the framework", async () => {
      const res = await send(served.url, { method: "POST", path: "/api/messages", headers: bearer(world.jwt.alice), json: { text: 5 } });
      expect(res.status).toBe(500);
      expect(res.headers["www-authenticate"]).toBeUndefined();
    });

    it("hands an error of the token option to the framework's error handling, not a 401", async () => {
      const res = await send(served.url, { path: "/broken/channels", headers: bearer(world.jwt.alice) });
      expect(res.status).toBe(500);
      expect(res.headers["www-authenticate"]).toBeUndefined();
    });

    it("never shows a token in a refusal, a handler's error, the audit or the logs (canary)", async () => {
      const malformed = "web-CANARY-7d1c,bad";
      const unverifiable = "webCANARYnotajwt9f2e";
      world.e2e.canaries.push("web-CANARY-7d1c", unverifiable);
      const refused = await send(served.url, { path: "/api/channels", headers: bearer(malformed) });
      expect(refused.status).toBe(401);
      // A well-formed token the vault cannot verify gets past the adapter; the vault refuses it.
      const rejected = await send(served.url, { path: "/optional/channels", headers: bearer(unverifiable) });
      expect(rejected.status).toBe(200);
      expect(rejected.body.user).toBe(false);
      expect(rejected.body.code).toBe("user_token_invalid");
      // Unhandled, the vault's refusal becomes the adapter's 401 invalid_token challenge.
      const failed = await send(served.url, { path: "/api/channels", headers: bearer(unverifiable) });
      expect([failed.status, failed.body.error]).toEqual([401, "invalid_token"]);
      for (const res of [refused, rejected, failed]) {
        expect(JSON.stringify(res.headers) + res.text).not.toMatch(/CANARY/);
      }
      expect(await world.e2e.findSecrets(world.caught)).toEqual([]);
    });
  });
}
