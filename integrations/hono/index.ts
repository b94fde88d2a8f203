// alter-gen/hono: Hono middleware that makes the signed-in user's token the runtime's user token
// for the rest of the request, so every generated-client call made while handling it uses that
// user's grants (vault.withUserToken), or answers 401 with `WWW-Authenticate: Bearer`.
//
//   app.use("/api/*", withUserToken({ vault }));
//   app.get("/api/channels", async (c) => c.json(await slack.conversations.list(asUser())));
//
// Runs on Node (the runtime needs node:async_hooks), e.g. with @hono/node-server. `E` is the
// app's Env, any by default as for Hono's own middlewares.
import type { Context, Env, MiddlewareHandler } from "hono";
import { requestIdentity, type RequestIdentityOptions } from "../shared/request-identity.js";

export type HonoUserTokenOptions<E extends Env = any> = RequestIdentityOptions<Context<E>>;

/**
 * Middleware: reads the request's bearer token (or `options.token(c)`) and runs `next()` inside
 * `vault.withUserToken(token, …)`. Several Authorization headers reach Hono joined by ", ", which
 * is not one token68 and so is refused as a malformed token. When the vault refuses the token
 * (IdentityError) while the request is handled, the answer is a 401 `invalid_token` challenge.
 */
export function withUserToken<E extends Env = any>(options: HonoUserTokenOptions<E>): MiddlewareHandler<E> {
  const identity = requestIdentity(options, "withUserToken (alter-gen/hono)", (c) => c.req.header("authorization"));
  return async (c, next) => {
    const decision = await identity.decide(c);
    if (decision.kind === "reject") return c.json(decision.body, decision.status, decision.headers);
    await decision.run(() => next());
    // Hono hands a handler's error to onError and records it on c.error: when it is the vault
    // refusing the user's token, the answer becomes the 401 challenge the client can act on.
    const refusal = decision.user ? identity.refusal(c.error) : undefined;
    if (refusal) {
      c.res = undefined;
      c.res = c.json(refusal.body, refusal.status, refusal.headers);
    }
  };
}
