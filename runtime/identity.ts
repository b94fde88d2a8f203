// Where the end user's IDP token comes from for identity-based calls, first source wins: the
// token of the enclosing `withUserToken` scope (one incoming request of a web app or MCP server),
// the token `authenticate()` cached, the app's `userTokenGetter`. Tokens live in private fields
// and in an AsyncLocalStorage only.
import { AsyncLocalStorage } from "node:async_hooks";
import type { IdentityGrantRef } from "./operation.js";
import { AlterValueError } from "./errors.js";

export type UserTokenGetter = () => string | null | undefined | Promise<string | null | undefined>;

/** A `withUserToken` scope; an object so that the token never sits in a plain string slot. */
interface UserScope {
  readonly token: string;
}

export class IdentitySource {
  #cached: string | undefined;
  #getter: UserTokenGetter | undefined;
  readonly #scope = new AsyncLocalStorage<UserScope>();

  constructor(getter?: UserTokenGetter) {
    if (getter !== undefined && typeof getter !== "function") {
      throw new AlterValueError("userTokenGetter must be a function returning the user's IDP token");
    }
    this.#getter = getter;
  }

  /**
   * Runs `fn` with `token` as the end user's token for everything called inside it, ahead of
   * `authenticate()`'s token and the getter; an inner scope wins over an outer one.
   */
  run<T>(token: string, fn: () => T): T {
    if (typeof token !== "string" || token === "" || /[\s\x00-\x1f\x7f]/.test(token)) {
      throw new AlterValueError("withUserToken(token, fn) needs the user's IDP token: a non-empty string without whitespace or control characters");
    }
    if (typeof fn !== "function") throw new AlterValueError("withUserToken(token, fn) needs a function to run");
    return this.#scope.run(Object.freeze({ token }), fn);
  }

  /** Installs the token from `authenticate()`; it takes precedence over the getter. */
  setAuthenticated(token: string): void {
    this.#cached = token;
  }

  clear(): void {
    this.#cached = undefined;
  }

  /** Whether any source is configured (management calls then act as the user). */
  get configured(): boolean {
    return this.#scope.getStore() !== undefined || this.#cached !== undefined || this.#getter !== undefined;
  }

  /** The current token, or undefined when there is no source or it yields nothing. */
  async current(): Promise<string | undefined> {
    const scoped = this.#scope.getStore();
    if (scoped !== undefined) return scoped.token;
    if (this.#cached !== undefined) return this.#cached;
    if (!this.#getter) return undefined;
    let token: string | null | undefined;
    try {
      token = await this.#getter();
    } catch (cause) {
      throw new AlterValueError("userTokenGetter threw while fetching the user's token", "user_token_unavailable", { cause });
    }
    if (token === null || token === undefined || token === "") return undefined;
    if (typeof token !== "string") throw new AlterValueError("userTokenGetter must return a string (the user's IDP JWT)", "user_token_unavailable");
    return token;
  }

  /** The token an identity-based call needs; a clear error when there is none. */
  async require(what: string): Promise<string> {
    const token = await this.current();
    if (token === undefined) {
      throw new AlterValueError(
        `${what} uses the signed-in user's grant (asUser()), but there is no user token: run it inside vault.withUserToken(token, fn), pass userTokenGetter to AlterVault, or call vault.authenticate() first`,
        "user_token_missing",
      );
    }
    return token;
  }

  toJSON(): string {
    return "[IdentitySource]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `IdentitySource { configured: ${this.configured} }`;
  }
}

/** "The signed-in end user's grant for this provider", optionally for one `account`. */
export function asUser(options: { account?: string } = {}): IdentityGrantRef {
  if (options.account !== undefined && (typeof options.account !== "string" || options.account === "")) {
    throw new AlterValueError("asUser({ account }) must be a non-empty string");
  }
  return Object.freeze(options.account === undefined ? { type: "identity" as const } : { type: "identity" as const, account: options.account });
}
