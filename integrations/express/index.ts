// alter-gen/express: Express middleware that makes the signed-in user's token the runtime's user
// token for the rest of the request, so every generated-client call made while handling it uses
// that user's grants (vault.withUserToken), or answers 401 with `WWW-Authenticate: Bearer`.
//
//   app.use("/api", withUserToken({ vault }));
//   app.get("/api/channels", async (req, res) => res.json(await slack.conversations.list(asUser())));
//   app.use(userTokenErrors({ vault }));   // after the routes: the vault refusing a token → 401
//
// The request and response are typed structurally (what Node's http gives every Express app), so
// these declarations need neither express nor @types/express; `Req` is inferred from `token`.
import { authorizationValues } from "../shared/bearer.js";
import { requestIdentity, type Rejection, type RequestIdentityOptions } from "../shared/request-identity.js";

/** The part of an Express request the middleware reads. */
export interface ExpressRequestLike {
  readonly rawHeaders: readonly string[];
}

/** The part of an Express response the middleware writes (Node's ServerResponse). */
export interface ExpressResponseLike {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type ExpressUserTokenOptions<Req extends ExpressRequestLike = ExpressRequestLike> = RequestIdentityOptions<Req>;

/**
 * Middleware: reads the request's bearer token (or `options.token(req)`) and runs every later
 * handler of the request inside `vault.withUserToken(token, …)`. Put body parsers before it or
 * after it: the scope is carried through `next()`.
 */
export function withUserToken<Req extends ExpressRequestLike = ExpressRequestLike>(
  options: ExpressUserTokenOptions<Req>,
): (req: Req, res: ExpressResponseLike, next: (error?: unknown) => void) => void {
  const identity = requestIdentity(options, "withUserToken (alter-gen/express)", (req) => authorizationValues(req.rawHeaders));
  return (req, res, next) => {
    identity.decide(req).then(
      (decision) => (decision.kind === "run" ? decision.run(() => next()) : answer(res, decision)),
      // options.token threw or returned a non-string: the app's error handlers take it.
      (error: unknown) => next(error),
    );
  };
}

/**
 * Error middleware, placed after the routes: when the vault refused the user's token while a
 * request was handled (IdentityError: expired, revoked, not issued for this app), answers 401
 * with the `invalid_token` challenge the client can act on; any other error goes on to `next`.
 * Takes the same options as withUserToken (only `vault` and `realm` matter here).
 */
export function userTokenErrors<Req extends ExpressRequestLike = ExpressRequestLike>(
  options: ExpressUserTokenOptions<Req>,
): (error: unknown, req: Req, res: ExpressResponseLike, next: (error?: unknown) => void) => void {
  const identity = requestIdentity(options, "userTokenErrors (alter-gen/express)", (req) => authorizationValues(req.rawHeaders));
  return (error, _req, res, next) => {
    const refusal = identity.refusal(error);
    if (refusal && !res.headersSent) answer(res, refusal);
    else next(error);
  };
}

function answer(res: ExpressResponseLike, rejection: Rejection): void {
  res.statusCode = rejection.status;
  res.setHeader("WWW-Authenticate", rejection.headers["www-authenticate"]);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(rejection.body));
}
