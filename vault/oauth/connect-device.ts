// Headless connect: the device authorization grant (RFC 8628) at each provider of a connect
// session. The vault holds the provider's client credentials, so it asks the provider for the
// codes, returns only the user code and verification URI to the SDK (the device_code stays
// here, sealed), polls the provider's token endpoint as the SDK polls the session, and stores
// the grant exactly as the browser callback does (storeConnectedGrant: same audit row, same
// scopes). A session where any provider has no device endpoint runs the browser way instead:
// the SDK prints the connect URL for a person to open on another device.
import type { CallerContext } from "../context.js";
import { VaultError } from "../errors.js";
import { connectAuditor, scopesFor, storeConnectedGrant } from "./connect-flow.js";
import { finishConnectSession, type ConnectSession } from "./connect-sessions.js";
import { capExpiry, DeviceAnswerError, startDeviceAuthorization, type DevicePrompt, type StartedDevice } from "./device-grant.js";
import { devicesOf, insertDevice, pollDueDevices, type DeviceEnding } from "./device-sessions.js";
import { clientSecretFor, resolveOAuthProvider, type OAuthProviderConfig } from "./provider-config.js";
import { OAuthEndpointError, TokenAnswerError, type ClientAuth } from "./token-endpoint.js";
import { validateTokenAnswer } from "./token-answer.js";

const DETAILS = { flow: "device" } as const;

export type ConnectDeviceStart = { prompts: (DevicePrompt & { provider: string })[]; unavailable: null } | { prompts: null; unavailable: string };

async function clientAuth(ctx: CallerContext, session: ConnectSession, config: OAuthProviderConfig): Promise<ClientAuth> {
  return { clientId: config.clientId, clientSecret: await clientSecretFor(ctx, session.appId, config.provider), method: config.authMethod };
}

/** Starts a device authorization per provider; all or none (a mixed session runs in the browser). */
export async function startConnectDevice(ctx: CallerContext, session: ConnectSession): Promise<ConnectDeviceStart> {
  const configs = await Promise.all(session.providers.map((p) => resolveOAuthProvider(ctx, session.appId, p)));
  const without = configs.filter((c) => c.deviceAuthorizationUrl === null).map((c) => c.provider);
  if (without.length > 0) {
    return { prompts: null, unavailable: `${without.join(", ")} ${without.length === 1 ? "has" : "have"} no device authorization endpoint (RFC 8628) in the catalog or the vault's OAuth settings (with an overridden token URL, set one with \`vault oauth set <provider> --device-authorization-url\`)` };
  }
  const started: [OAuthProviderConfig, StartedDevice][] = [];
  for (const config of configs) {
    try {
      const scopes = scopesFor(session, config.provider, config.defaultScopes);
      const device = await startDeviceAuthorization(config.deviceAuthorizationUrl!, await clientAuth(ctx, session, config), scopes, config.scopeSeparator, config.provider, ctx.now);
      started.push([config, capExpiry(device, Date.parse(session.expiresAt))]);
    } catch (e) {
      if (e instanceof OAuthEndpointError || e instanceof VaultError || e instanceof DeviceAnswerError || e instanceof TokenAnswerError) {
        return { prompts: null, unavailable: `${config.provider} refused the device authorization: ${e.message}` };
      }
      throw e;
    }
  }
  for (const [config, s] of started) await insertDevice(ctx, "connect", session.id, config.provider, s);
  return { prompts: started.map(([config, s]) => ({ provider: config.provider, ...s.prompt })), unavailable: null };
}

/** Polls each due provider once; a finished device grant stores the grant or ends the session. */
export async function advanceConnectDevice(ctx: CallerContext, session: ConnectSession): Promise<void> {
  if (session.status !== "pending" || (await devicesOf(ctx.store, session.id)).length === 0) return;
  const configs = new Map<string, OAuthProviderConfig>();
  const configOf = async (provider: string) => {
    let c = configs.get(provider);
    if (!c) configs.set(provider, (c = await resolveOAuthProvider(ctx, session.appId, provider)));
    return c;
  };
  const endings = await pollDueDevices(ctx, session.id, async (d) => {
    const config = await configOf(d.provider!);
    return { tokenUrl: config.tokenUrl, auth: await clientAuth(ctx, session, config), owner: config.provider };
  });
  for (const ending of endings) await finish(ctx, session, await configOf(ending.device.provider!), ending);
}

async function finish(ctx: CallerContext, session: ConnectSession, config: OAuthProviderConfig, { step, answer }: DeviceEnding): Promise<void> {
  const provider = config.provider;
  const audit = connectAuditor(ctx, session, provider, { ...DETAILS, rule: step.rule });
  const end = async (status: "denied" | "failed", code: string, message: string, auditCode = code) => {
    await finishConnectSession(ctx.store, session.id, status, { code, message }, ctx.now(), provider);
    audit(status === "denied" ? "denied" : "error", { errorCode: auditCode });
  };
  switch (step.outcome) {
    case "wait":
      return;
    case "denied":
      return end("denied", "connect_denied", `The user denied access at ${provider}.`);
    case "expired":
      return end("failed", "device_code_expired", `The code for ${provider} expired before the person entered it.`);
    case "failed":
      return end("failed", "connect_failed", `${provider} refused the device code: ${answer?.kind === "error" ? answer.error : "unknown"}.`);
    case "token": {
      const owner = session.userId ? await ctx.store.users.get(session.userId) : undefined;
      if (owner?.removedAt) return end("failed", "connect_failed", "The user this connection was for has been removed from the vault.", "user_removed");
      let res;
      try {
        if (answer?.kind !== "token") throw new TokenAnswerError("no token answer");
        res = validateTokenAnswer(answer.body, { owner: provider, tokenTypes: config.tokenTypes });
      } catch (e) {
        if (!(e instanceof TokenAnswerError)) throw e;
        return end("failed", "connect_failed", `The token answer of ${provider} was refused: ${e.message}`, "invalid_token_answer");
      }
      await storeConnectedGrant(ctx, session, null, config, res, owner?.subject ?? null, audit);
      return;
    }
  }
}
