// One proxied provider call through a grant: credential, injection, send. Used by the proxy
// route and by approval execution.
import type { VaultContext } from "../context.js";
import type { GrantRecord } from "../grant-types.js";
import { credentialFor, injectionFor } from "../grants/credential.js";
import { effectiveProvider } from "../grants/provider-config.js";
import { sendProxied, type ProxyRequest, type ProxyResponse } from "./send.js";

export async function proxyThroughGrant(ctx: VaultContext, grant: GrantRecord, req: ProxyRequest): Promise<ProxyResponse> {
  const config = await effectiveProvider(ctx.vault, ctx.app.id, grant.provider, ctx.records);
  const credential = await credentialFor(ctx, grant);
  const res = await sendProxied(config, injectionFor(config.injection, credential), credential, req, ctx.now());
  await ctx.store.grants.touch(grant.id, ctx.now());
  return res;
}
