import type { RouteContext } from "../http/context.js";

/** The vault's address as browsers reach it: the configured base URL, else this request's Host. */
export function publicBase(ctx: Pick<RouteContext, "vault" | "req">): string {
  if (ctx.vault.baseUrl) return ctx.vault.baseUrl.replace(/\/$/, "");
  const proto = (ctx.req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  return `${proto}://${ctx.req.headers.host ?? "127.0.0.1"}`;
}
