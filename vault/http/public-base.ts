// The vault's address as browsers reach it, for the links and callbacks it hands out.
import type { IncomingMessage } from "node:http";
import type { VaultState } from "../context.js";

/** The configured base URL, else this request's Host (https when the socket is TLS). */
export function publicBase(ctx: { vault: Pick<VaultState, "baseUrl">; req: IncomingMessage }): string {
  if (ctx.vault.baseUrl) return ctx.vault.baseUrl.replace(/\/$/, "");
  const proto = (ctx.req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  return `${proto}://${ctx.req.headers.host ?? "127.0.0.1"}`;
}
