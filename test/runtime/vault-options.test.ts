import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { AlterVault, AlterValueError, asUser, bindOperations, DEFAULT_VAULT_URL } from "../../runtime/index.js";
import type { OperationTable, ProviderSpec } from "../../runtime/index.js";

const KEY = `alter_sk_abcdefghij012345_${Buffer.alloc(32, 0x5a).toString("base64url")}`;

describe("AlterVault options", () => {
  it("accepts a well-formed key and defaults to the local vault", async () => {
    const saved = process.env.ALTER_BASE_URL;
    delete process.env.ALTER_BASE_URL;
    try {
      await using vault = new AlterVault({ apiKey: KEY });
      expect(vault.baseUrl).toBe(DEFAULT_VAULT_URL);
      expect(vault.keyId).toBe("abcdefghij012345");
    } finally {
      if (saved !== undefined) process.env.ALTER_BASE_URL = saved;
    }
  });

  it("reads ALTER_BASE_URL", async () => {
    const saved = process.env.ALTER_BASE_URL;
    process.env.ALTER_BASE_URL = "http://127.0.0.1:9999/";
    try {
      await using vault = new AlterVault({ apiKey: KEY });
      expect(vault.baseUrl).toBe("http://127.0.0.1:9999");
    } finally {
      if (saved === undefined) delete process.env.ALTER_BASE_URL;
      else process.env.ALTER_BASE_URL = saved;
    }
  });

  it.each([
    ["missing", undefined, /apiKey is missing/],
    ["empty", "", /apiKey is missing/],
    ["wrong prefix", "sk_live_" + "x".repeat(40), /does not start with alter_sk_/],
    ["short secret", "alter_sk_abcdefghij012345_tooShortSecretValue", /secret part must be 43/],
  ])("rejects a %s key before any network call, without echoing it", (_n, apiKey, msg) => {
    let err: unknown;
    try {
      new AlterVault({ apiKey: apiKey as string, baseUrl: "http://127.0.0.1:1" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlterValueError);
    expect((err as Error).message).toMatch(msg);
    if (apiKey) expect(`${(err as Error).message}${(err as Error).stack}`).not.toContain(apiKey);
  });

  it("rejects a plain-http vault that is not loopback unless allowed", async () => {
    expect(() => new AlterVault({ apiKey: KEY, baseUrl: "http://vault.example.com" })).toThrow(/plain http/);
    await using ok = new AlterVault({ apiKey: KEY, baseUrl: "http://vault.example.com", allowInsecureHttp: true });
    expect(ok.baseUrl).toBe("http://vault.example.com");
  });

  it("rejects bad option values by name", () => {
    expect(() => new AlterVault({ apiKey: KEY, callerType: "robot" as "agent" })).toThrow(/callerType/);
    expect(() => new AlterVault({ apiKey: KEY, timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => new AlterVault({ apiKey: KEY, retry: { maxRetries: -2 } })).toThrow(/retry.maxRetries/);
    expect(() => new AlterVault({ apiKey: KEY, userTokenGetter: "tok" as unknown as () => string })).toThrow(/userTokenGetter/);
  });

  it("shows no secret in inspect, JSON or String", async () => {
    await using vault = new AlterVault({ apiKey: KEY, userTokenGetter: () => "user-token-canary-123" });
    const secretPart = KEY.split("_").slice(3).join("_");
    for (const text of [inspect(vault, { depth: 10, showHidden: true }), JSON.stringify(vault), String(vault)]) {
      expect(text).not.toContain(secretPart);
      expect(text).not.toContain("user-token-canary-123");
    }
    expect(inspect(vault)).toContain("abcdefghij012345");
  });

  it("close() makes further use a clear error", async () => {
    const vault = new AlterVault({ apiKey: KEY });
    await vault.close();
    await vault.close();
    expect(() => vault.listGrants()).toThrow(/closed/);
  });
});

describe("bindOperations", () => {
  const provider: ProviderSpec = { id: "demo", name: "Demo", baseUrl: "https://api.demo.test", pagination: { style: "link-header" } };
  const ops: OperationTable = {
    get: { id: "things/get", method: "GET", path: "/things/{id}", params: { id: "path" } },
    list: { id: "things/list", method: "GET", path: "/things", paginate: {} },
  };

  it("creates methods lazily, caches them, and exposes paginate only where the table says", async () => {
    await using vault = new AlterVault({ apiKey: KEY });
    const client = bindOperations<Record<string, any>>(vault, provider, ops);
    expect(client.get).toBe(client.get);
    expect(typeof client.get.withResponse).toBe("function");
    expect(client.get.paginate).toBeUndefined();
    expect(typeof client.list.paginate).toBe("function");
    expect(typeof client.list.pages).toBe("function");
    expect(client.nope).toBeUndefined();
    expect(Object.keys(client)).toEqual(["get", "list"]);
    expect("get" in client).toBe(true);
  });

  it("a huge table costs nothing until used", async () => {
    await using vault = new AlterVault({ apiKey: KEY });
    const big: Record<string, (typeof ops)["get"]> = {};
    for (let i = 0; i < 11_000; i++) big[`op${i}`] = { id: `op${i}`, method: "GET", path: `/o/${i}` };
    const client = bindOperations<Record<string, any>>(vault, provider, big);
    expect(client.op10999.name).toBe("op10999");
  });

  it("bad params fail before any network call with the operation named", async () => {
    await using vault = new AlterVault({ apiKey: KEY, baseUrl: "http://127.0.0.1:1" });
    const client = bindOperations<Record<string, any>>(vault, provider, ops);
    await expect(client.get("grant-1", {})).rejects.toThrow(/things\/get: parameter "id" \(in path\) is required/);
    await expect(client.get("", { id: 1 })).rejects.toThrow(/grant id is empty/);
    await expect(client.get(asUser(), { id: 1 })).rejects.toThrow(/no user token/);
  });

  it("a base URL that is not absolute, or still holds a {variable}, fails every call with a clear error", async () => {
    await using vault = new AlterVault({ apiKey: KEY, baseUrl: "http://127.0.0.1:1" });
    const relative = bindOperations<Record<string, any>>(vault, provider, ops, { baseUrl: "api.demo.test/v1" });
    for (let i = 0; i < 2; i++) {
      const err = await relative.get("grant-1", { id: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AlterValueError);
      expect((err as AlterValueError).message).toMatch(/things\/get: the base URL "api\.demo\.test\/v1" is not an absolute URL/);
    }
    const templated = bindOperations<Record<string, any>>(vault, { ...provider, baseUrl: "https://{site}.demo.test" }, ops);
    for (let i = 0; i < 2; i++) await expect(templated.get("grant-1", { id: 1 })).rejects.toThrow(/has a \{site\} to fill in/);
  });

  it("asUser validates account", () => {
    expect(asUser({ account: "octo" })).toEqual({ type: "identity", account: "octo" });
    expect(asUser()).toEqual({ type: "identity" });
    expect(() => asUser({ account: "" })).toThrow(AlterValueError);
  });
});
