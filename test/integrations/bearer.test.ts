// The one bearer-token reader of the web adapters (RFC 6750 §2.1) and the options every adapter
// checks when it is created: a row per case, each asserting the result's kind.
import { describe, expect, it } from "vitest";
import { AlterValueError, type AlterVault } from "alter-gen/runtime";
import { authorizationValues, parseBearer, type AuthorizationHeader, type BearerResult } from "../../integrations/shared/bearer.js";
import { requestIdentity, type RequestIdentityOptions } from "../../integrations/shared/request-identity.js";

const CANARY = "tok-CANARY-b3a9";

describe("parseBearer", () => {
  it.each<[string, AuthorizationHeader, BearerResult["kind"], string?]>([
    ["a bearer token", `Bearer ${CANARY}`, "token", CANARY],
    ["the scheme in any case", `bEARER ${CANARY}`, "token", CANARY],
    ["several spaces after the scheme", `Bearer   ${CANARY}`, "token", CANARY],
    ["a JWT", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", "token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"],
    ["token68 punctuation and padding", "Bearer a-b.c_d~e+f/g==", "token", "a-b.c_d~e+f/g=="],
    ["one value in an array", [`Bearer ${CANARY}`], "token", CANARY],
    ["no header", undefined, "absent"],
    ["null", null, "absent"],
    ["an empty header", "", "absent"],
    ["no values", [], "absent"],
    ["another scheme", "Basic YWxpY2U6cHc=", "absent"],
    ["a scheme that only starts with Bearer", `Bearerx ${CANARY}`, "absent"],
    ["Bearer alone", "Bearer", "malformed"],
    ["Bearer and spaces", "Bearer   ", "malformed"],
    ["a token with a space", `Bearer ${CANARY} x`, "malformed"],
    ["a tab for the space", `Bearer\t${CANARY}`, "absent"],
    ["padding inside the token", "Bearer ab=cd", "malformed"],
    ["a quoted token", `Bearer "${CANARY}"`, "malformed"],
    ["two credentials joined by a comma (fetch's Headers)", `Bearer ${CANARY}, Bearer other`, "malformed"],
    ["a non-ASCII token", `Bearer ${CANARY}é`, "malformed"],
    ["two headers", [`Bearer ${CANARY}`, "Bearer other"], "repeated"],
  ])("%s → %s", (_name, header, kind, token) => {
    const result = parseBearer(header);
    expect(result.kind).toBe(kind);
    if (result.kind === "token") expect(result.token).toBe(token);
    if (result.kind === "malformed" || result.kind === "repeated") expect(result.reason).not.toContain("CANARY");
  });

  it("reads every Authorization header of rawHeaders, whatever the name's case", () => {
    expect(authorizationValues(["Host", "x", "authorization", "Bearer a", "AUTHORIZATION", "Bearer b", "Cookie", "authorization"])).toEqual(["Bearer a", "Bearer b"]);
  });
});

describe("the adapters' options", () => {
  const vault = { withUserToken: (_t: string, fn: () => unknown) => fn(), withContext: (_c: unknown, fn: () => unknown) => fn() } as unknown as AlterVault;
  const make = (options: unknown) => requestIdentity(options as RequestIdentityOptions<unknown>, "withUserToken (test)", () => undefined);

  it.each([
    ["no options", undefined, "options must be an object"],
    ["no vault", {}, "options.vault must be an AlterVault"],
    ["a vault of the wrong kind", { vault: {} }, "options.vault must be an AlterVault"],
    ["required as a string", { vault, required: "yes" }, "options.required must be true or false"],
    ["token not a function", { vault, token: "abc" }, "options.token must be a function"],
    ["context not a function", { vault, context: { runId: "r" } }, "options.context must be a function"],
    ["a realm with a quote", { vault, realm: 'a"b' }, "options.realm must be"],
    ["an empty realm", { vault, realm: "" }, "options.realm must be"],
  ])("refuses %s, naming the option and the adapter", (_name, options, message) => {
    expect(() => make(options)).toThrow(AlterValueError);
    expect(() => make(options)).toThrow(message);
    expect(() => make(options)).toThrow("withUserToken (test)");
  });

  it.each([
    ["no token, required", {}, undefined, { status: 401, challenge: 'Bearer realm="r"' }],
    ["no token, optional", { required: false }, undefined, "run"],
    ["a malformed token, optional", { required: false }, "a b", { status: 401, challenge: 'Bearer realm="r", error="invalid_token"' }],
    ["a token", {}, CANARY, "run"],
  ] as const)("decides %s", async (_name, extra, token, want) => {
    const identity = requestIdentity({ vault, realm: "r", token: () => token, ...extra }, "test", () => undefined);
    const decision = await identity.decide({});
    if (want === "run") return expect(decision.kind).toBe("run");
    if (decision.kind !== "reject") throw new Error("expected a rejection");
    expect(decision.status).toBe(want.status);
    expect(decision.headers["www-authenticate"].startsWith(want.challenge)).toBe(true);
  });

  it("keeps the token out of an admission's inspection and JSON", async () => {
    const { inspect } = await import("node:util");
    const decision = await requestIdentity({ vault, token: () => CANARY }, "test", () => undefined).decide({});
    expect(decision.kind).toBe("run");
    expect(inspect(decision, { showHidden: true, depth: 10 }) + JSON.stringify(decision)).not.toContain("CANARY");
  });
});
