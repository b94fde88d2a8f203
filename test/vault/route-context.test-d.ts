// Route contexts are typed by their route's auth kind: a signed handler sees the verified key
// (never null), a browser page sees no key and no user, and a domain function accepts either as
// its plain domain context (vault/context.ts), which has no request in it.
import { describe, expectTypeOf, it } from "vitest";
import type { CallerContext, VaultContext } from "../../vault/context.js";
import type { RouteDef, SignedContext, UnsignedContext } from "../../vault/http/context.js";
import type { ApiKeyRecord } from "../../vault/storage/api-keys.js";

describe("route contexts", () => {
  it("a signed handler sees its key, its nonce and a key id, none of them nullable", () => {
    expectTypeOf<SignedContext["apiKey"]>().toEqualTypeOf<ApiKeyRecord>();
    expectTypeOf<SignedContext["requestNonce"]>().toEqualTypeOf<string>();
    expectTypeOf<SignedContext["caller"]["keyId"]>().toEqualTypeOf<string>();
  });

  it("a browser page has no key, no user and no way to seal to a caller", () => {
    expectTypeOf<UnsignedContext["caller"]["keyId"]>().toEqualTypeOf<null>();
    expectTypeOf<UnsignedContext["caller"]["user"]>().toEqualTypeOf<null>();
    expectTypeOf<UnsignedContext>().not.toHaveProperty("sealForCaller");
    expectTypeOf<UnsignedContext>().not.toHaveProperty("apiKey");
  });

  it("both are the domain's caller context; the domain context holds no request", () => {
    expectTypeOf<SignedContext>().toExtend<CallerContext>();
    expectTypeOf<UnsignedContext>().toExtend<CallerContext>();
    expectTypeOf<VaultContext>().not.toHaveProperty("req");
    expectTypeOf<CallerContext>().not.toHaveProperty("url");
  });

  it("a route's handler takes the context of its auth kind", () => {
    type HandlerOf<A extends RouteDef["auth"]> = Parameters<Extract<RouteDef, { auth: A } | { auth: A | "none" }>["handler"]>[0];
    expectTypeOf<HandlerOf<"signed">>().toEqualTypeOf<SignedContext>();
    expectTypeOf<HandlerOf<"browser">>().toEqualTypeOf<UnsignedContext>();
    // A handler written for pages cannot be given to a signed route, nor the other way round.
    expectTypeOf<{ method: "GET"; path: "/x"; auth: "signed"; scope: "call"; handler: (ctx: UnsignedContext) => { status: 200 } }>().not.toExtend<RouteDef>();
    expectTypeOf<{ method: "GET"; path: "/x"; auth: "browser"; handler: (ctx: SignedContext) => { status: 200 } }>().not.toExtend<RouteDef>();
    expectTypeOf<{ method: "GET"; path: "/x"; auth: "signed"; scope: "call"; handler: (ctx: SignedContext) => { status: 200 } }>().toExtend<RouteDef>();
  });
});
