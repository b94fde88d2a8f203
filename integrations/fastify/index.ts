// alter-gen/fastify: a Fastify plugin that makes the signed-in user's token the runtime's user
// token for the handler of every request, so each generated-client call made while handling it
// uses that user's grants (vault.withUserToken), or answers 401 with `WWW-Authenticate: Bearer`.
//
//   await app.register(withUserToken, { vault });
//   app.get("/channels", async () => slack.conversations.list(asUser()));
//
// The plugin is not encapsulated (as fastify-plugin would mark it): its hooks apply to the
// context it is registered in, so register it inside a child plugin to cover some routes only.
import type { FastifyPluginCallback, FastifyRequest } from "fastify";
import { authorizationValues } from "../shared/bearer.js";
import { requestIdentity, type Admission, type Rejection, type RequestIdentityOptions } from "../shared/request-identity.js";

export type FastifyUserTokenOptions = RequestIdentityOptions<FastifyRequest>;

const WHERE = "withUserToken (alter-gen/fastify)";

/**
 * onRequest reads the token and refuses a request without one before its body is read; the
 * scope itself opens in preHandler, after body parsing, because the body's stream events run
 * outside any scope opened earlier. The handler and later preHandler hooks run inside it.
 */
const plugin: FastifyPluginCallback<FastifyUserTokenOptions> = (app, options, done) => {
  const identity = requestIdentity(options, WHERE, (request) => authorizationValues(request.raw.rawHeaders));
  const admitted = new WeakMap<FastifyRequest, Admission>();
  app.addHook("onRequest", async (request, reply) => {
    const decision = await identity.decide(request);
    if (decision.kind === "run") {
      admitted.set(request, decision);
      return;
    }
    return reply.code(decision.status).header("www-authenticate", decision.headers["www-authenticate"]).send(decision.body);
  });
  app.addHook("preHandler", (request, _reply, next) => {
    const admission = admitted.get(request);
    if (admission) admission.run(() => next());
    else next();
  });
  // The vault refusing the user's token (IdentityError) while the request is handled: whatever
  // the error handler answered, the client gets the 401 invalid_token challenge it can act on.
  // onError runs before the error handler and cannot answer, onSend can.
  const refused = new WeakMap<FastifyRequest, Rejection>();
  app.addHook("onError", async (request, _reply, error) => {
    const refusal = admitted.get(request)?.user ? identity.refusal(error) : undefined;
    if (refusal) refused.set(request, refusal);
  });
  app.addHook("onSend", async (request, reply, payload) => {
    const refusal = refused.get(request);
    if (!refusal) return payload;
    reply.code(refusal.status).header("www-authenticate", refusal.headers["www-authenticate"]).header("content-type", "application/json; charset=utf-8");
    return JSON.stringify(refusal.body);
  });
  done();
};

// Fastify's markers (what fastify-plugin sets): not encapsulated, and a name in errors and logs.
Object.assign(plugin, { [Symbol.for("skip-override")]: true, [Symbol.for("fastify.display-name")]: "alter-gen-user-token" });

/** The plugin: `await app.register(withUserToken, { vault, required, token, context, realm })`. */
export const withUserToken = plugin;
