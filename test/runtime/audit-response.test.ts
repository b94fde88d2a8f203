import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AuditContextStore, buildAuditContext } from "../../runtime/audit.js";
import { decodeBody, decodeErrorBody, flattenHeaders, requestIdOf, undiciHeaders } from "../../runtime/internal/response.js";
import { SDK_VERSION } from "../../runtime/version.js";

describe("audit context", () => {
  it("nests scopes and lets per-call options override field by field", async () => {
    const store = new AuditContextStore();
    const seen = await store.run({ runId: "r1", threadId: "t1" }, () =>
      store.run({ threadId: "t2", toolName: "search" }, async () => {
        await new Promise((r) => setTimeout(r, 1)); // survives an async hop
        return buildAuditContext({
          caller: "svc",
          callerType: "agent",
          operationId: "repos/get",
          defaults: { reason: "default reason", runId: "r0" },
          scope: store.current(),
          options: { reason: "per call", toolCallId: "tc9" },
        });
      }),
    );
    expect(seen).toEqual({
      runId: "r1",
      threadId: "t2",
      toolName: "search",
      reason: "per call",
      toolCallId: "tc9",
      caller: "svc",
      callerType: "agent",
      operationId: "repos/get",
      sdkVersion: SDK_VERSION,
    });
    expect(store.current()).toBeUndefined();
  });

  it("drops unknown and non-string fields", () => {
    const ctx = buildAuditContext({ callerType: "service", options: { reason: 5 as unknown as string, ...({ token: "x" } as object) } });
    expect(ctx).toEqual({ callerType: "service", sdkVersion: SDK_VERSION });
  });
});

describe("response helpers", () => {
  it("flattens headers, lower-cases names, joins repeats", () => {
    expect(flattenHeaders({ "X-A": "1", "x-b": ["2", "3"], "set-cookie": ["a=1", "b=2"], none: undefined })).toEqual({ "x-a": "1", "x-b": "2, 3", "set-cookie": "a=1\nb=2" });
  });
  it("finds the request id from the catalog's headers, first match wins", () => {
    expect(requestIdOf({ "x-github-request-id": "G1", "x-request-id": "R" }, { requestIdHeaders: ["X-GitHub-Request-Id"] })).toBe("G1");
    expect(requestIdOf({ "x-request-id": "R" }, {})).toBe("R");
    expect(requestIdOf({}, { requestIdHeaders: ["x-a"] })).toBeUndefined();
  });
  it("decodes bodies by kind", () => {
    const b = (s: string) => new TextEncoder().encode(s);
    expect(decodeBody("json", 200, {}, b('{"a":1}'))).toEqual({ a: 1 });
    expect(decodeBody("json", 200, {}, b(""))).toBeUndefined();
    expect(decodeBody("json", 200, {}, b("<html>"))).toBe("<html>");
    expect(decodeBody("text", 200, {}, b("hi"))).toBe("hi");
    expect(decodeBody("binary", 200, {}, b("hi"))).toEqual(b("hi"));
    expect(decodeBody("json", 204, {}, b(""))).toBeUndefined();
    expect(decodeBody("empty", 200, {}, b("x"))).toBeUndefined();
    expect(decodeErrorBody({ "content-type": "application/problem+json" }, b('{"message":"no"}'))).toEqual({ message: "no" });
    expect(decodeErrorBody({}, b("plain failure"))).toBe("plain failure");
  });
  it("decodes bodies read as text the same way, and blank text as nothing", () => {
    expect(decodeBody("json", 200, {}, ' \n {"a":[1]}')).toEqual({ a: [1] });
    expect(decodeBody("json", 200, {}, " \n\t")).toBeUndefined();
    expect(decodeBody("text", 200, {}, " x ")).toBe(" x ");
    expect(decodeBody("binary", 200, {}, "hi")).toEqual(new TextEncoder().encode("hi"));
    expect(decodeErrorBody({}, '  {"error":"bad"}')).toEqual({ error: "bad" });
    expect(decodeErrorBody({}, "\u00a0")).toBeUndefined();
  });
  it("undici's headers are used as they are unless a field repeats", () => {
    const single = { "content-type": "application/json", "x-request-id": "r1" };
    expect(undiciHeaders(single)).toBe(single);
    expect(undiciHeaders({ "x-a": ["1", "2"], "set-cookie": ["a=1", "b=2"], "x-b": "3" })).toEqual({ "x-a": "1, 2", "set-cookie": "a=1\nb=2", "x-b": "3" });
  });
  it("SDK_VERSION equals package.json's version", () => {
    expect(SDK_VERSION).toBe(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  });
});
