import { describe, expect, it } from "vitest";
import { IdentitySource } from "../../runtime/identity.js";
import { AlterValueError } from "../../runtime/errors.js";

describe("IdentitySource", () => {
  it("the token from authenticate() takes precedence over userTokenGetter", async () => {
    let asked = 0;
    const source = new IdentitySource(() => {
      asked++;
      return "from-getter";
    });
    expect(await source.current()).toBe("from-getter");
    source.setAuthenticated("from-login");
    expect(await source.current()).toBe("from-login");
    expect(asked).toBe(1);
    source.clear();
    expect(await source.current()).toBe("from-getter");
  });

  it("no source, or an empty answer, is a clear error for identity calls", async () => {
    await expect(new IdentitySource().require("repos/get")).rejects.toThrow(/repos\/get uses the signed-in user's grant/);
    await expect(new IdentitySource(() => null).require("x")).rejects.toBeInstanceOf(AlterValueError);
  });

  it("a throwing getter becomes AlterValueError with the cause kept", async () => {
    const boom = new Error("session store down");
    const err = await new IdentitySource(() => {
      throw boom;
    })
      .current()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlterValueError);
    expect((err as Error).cause).toBe(boom);
  });

  it("never shows a token in inspect or JSON", async () => {
    const { inspect } = await import("node:util");
    const source = new IdentitySource();
    source.setAuthenticated("secret-user-token-xyz");
    expect(inspect(source, { showHidden: true, depth: 5 })).not.toContain("secret-user-token-xyz");
    expect(JSON.stringify({ source })).not.toContain("secret-user-token-xyz");
  });
});
