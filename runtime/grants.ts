// Grant management calls: list (a page, or every grant by async iteration), revoke, and issuing
// managed-secret grants to a principal.
import { platformSignal } from "./internal/abort.js";
import type { AbortSignalLike } from "./operation.js";
import type { VaultRequests } from "./internal/traced-requests.js";
import type { IdentitySource } from "./identity.js";
import { AlterValueError } from "./errors.js";

import type { GrantInfo, GrantPage, GrantPolicy } from "../protocol/wire.js";
export type { GrantInfo, GrantPage, GrantPolicy } from "../protocol/wire.js";

export interface ListGrantsOptions {
  provider?: string;
  status?: GrantInfo["status"];
  limit?: number;
  cursor?: string;
  signal?: AbortSignalLike;
}

/** Who a managed-secret grant is for. */
export type GrantPrincipal =
  | { type: "user"; label: string; /** The user's IDP JWT. */ userToken: string }
  | { type: "group"; label: string; /** The IDP group id. */ groupId: string }
  | { type: "system"; label?: string };

export interface CreateManagedSecretGrantOptions {
  managedSecretId: string;
  principal: GrantPrincipal;
  grantPolicy?: GrantPolicy;
}

async function fetchPage(transport: VaultRequests, identity: IdentitySource, o: ListGrantsOptions): Promise<GrantPage> {
  const q = new URLSearchParams();
  if (o.provider) q.set("provider", o.provider);
  if (o.status) q.set("status", o.status);
  if (o.limit !== undefined) {
    if (!Number.isInteger(o.limit) || o.limit <= 0) throw new AlterValueError("listGrants: limit must be a positive integer");
    q.set("limit", String(o.limit));
  }
  if (o.cursor) q.set("cursor", o.cursor);
  const qs = q.toString();
  const userToken = await identity.current();
  const res = await transport.request<GrantPage>("GET", `/v1/grants${qs ? `?${qs}` : ""}`, { userToken, signal: platformSignal(o.signal) });
  return { grants: res.data.grants ?? [], nextCursor: res.data.nextCursor ?? null };
}

/**
 * `await vault.listGrants()` is the first page; `for await (const g of vault.listGrants())` walks
 * every grant across pages.
 */
export class GrantList implements PromiseLike<GrantPage>, AsyncIterable<GrantInfo> {
  readonly #load: (cursor: string | undefined) => Promise<GrantPage>;
  readonly #cursor: string | undefined;

  /** @internal */
  constructor(transport: VaultRequests, identity: IdentitySource, options: ListGrantsOptions) {
    this.#load = (cursor) => fetchPage(transport, identity, { ...options, cursor });
    this.#cursor = options.cursor;
  }

  then<A = GrantPage, B = never>(onFulfilled?: ((value: GrantPage) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): PromiseLike<A | B> {
    return this.#load(this.#cursor).then(onFulfilled, onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<GrantInfo> {
    let cursor = this.#cursor;
    for (;;) {
      const page = await this.#load(cursor);
      yield* page.grants;
      if (!page.nextCursor || page.nextCursor === cursor) return;
      cursor = page.nextCursor;
    }
  }
}

/** @internal */
export async function revokeGrant(transport: VaultRequests, identity: IdentitySource, grantId: string, options: { reason?: string; signal?: AbortSignalLike } = {}): Promise<GrantInfo> {
  if (typeof grantId !== "string" || grantId.trim() === "") throw new AlterValueError("revokeGrant: grantId must be a non-empty string");
  const userToken = await identity.current();
  const res = await transport.request<{ grant: GrantInfo }>("POST", `/v1/grants/${encodeURIComponent(grantId)}/revoke`, {
    body: { reason: options.reason ?? "" },
    userToken,
    signal: platformSignal(options.signal),
  });
  return res.data.grant;
}

function checkPrincipal(p: unknown): GrantPrincipal {
  const where = "createManagedSecretGrant: principal";
  if (p === null || typeof p !== "object") throw new AlterValueError(`${where} must be { type: "user" | "group" | "system", ... }`);
  const o = p as Record<string, unknown>;
  const nonEmpty = (k: string) => typeof o[k] === "string" && (o[k] as string).trim() !== "";
  switch (o.type) {
    case "user":
      if (!nonEmpty("label")) throw new AlterValueError(`${where}.label is required for a user principal`);
      if (!nonEmpty("userToken")) throw new AlterValueError(`${where}.userToken (the user's IDP JWT) is required for a user principal`);
      return { type: "user", label: o.label as string, userToken: o.userToken as string };
    case "group":
      if (!nonEmpty("label")) throw new AlterValueError(`${where}.label is required for a group principal`);
      if (!nonEmpty("groupId")) throw new AlterValueError(`${where}.groupId (the IDP group id) is required for a group principal`);
      return { type: "group", label: o.label as string, groupId: o.groupId as string };
    case "system":
      if (o.label !== undefined && !nonEmpty("label")) throw new AlterValueError(`${where}.label must be a non-empty string when given`);
      return o.label === undefined ? { type: "system" } : { type: "system", label: o.label as string };
    default:
      throw new AlterValueError(`${where}.type must be "user", "group" or "system"`);
  }
}

/** @internal */
export async function createManagedSecretGrant(transport: VaultRequests, options: CreateManagedSecretGrantOptions): Promise<GrantInfo> {
  if (typeof options?.managedSecretId !== "string" || options.managedSecretId === "") {
    throw new AlterValueError("createManagedSecretGrant: managedSecretId is required");
  }
  const principal = checkPrincipal(options.principal);
  const res = await transport.request<{ grant: GrantInfo }>("POST", "/v1/grants", {
    body: { managedSecretId: options.managedSecretId, principal, policy: options.grantPolicy ?? {} },
  });
  return res.data.grant;
}
