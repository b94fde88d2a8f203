// Headless sign-in: the device authorization grant (RFC 8628) at the app's IDP for an auth
// session. The vault asks the IDP's device_authorization_endpoint for a code with the IDP
// client it holds, hands the SDK the user code and verification URI only, and polls the IDP's
// token endpoint when the SDK polls the session; the ID token then goes the browser login's way
// (finishSignIn). Without a device endpoint the SDK is told why and prints the login URL.
import type { CallerContext } from "../context.js";
import { VaultError } from "../errors.js";
import { openIdpClientSecret } from "../identity/idp-config.js";
import { failAuthSession, finishSignIn, getIdpOrConfigError, idpAuthMethod, loginScopes, type AuthSession } from "./auth-sessions.js";
import { capExpiry, DeviceAnswerError, startDeviceAuthorization, type DevicePrompt } from "./device-grant.js";
import { devicesOf, insertDevice, pollDueDevices, type DeviceEnding } from "./device-sessions.js";
import { OAuthEndpointError, TokenAnswerError, type ClientAuth } from "./token-endpoint.js";
import { validateTokenAnswer } from "./token-answer.js";

const DETAILS = { flow: "device" } as const;

/** The device prompt for the session, or why there is none (the SDK then prints the login URL). */
export type DeviceStart = { prompt: DevicePrompt; unavailable: null } | { prompt: null; unavailable: string };

async function idpClient(ctx: CallerContext): Promise<{ endpoint: string | null; tokenUrl: string; auth: ClientAuth; scopes: string[] }> {
  const idp = await getIdpOrConfigError(ctx);
  return {
    endpoint: idp.discovery.deviceAuthorizationEndpoint ?? null,
    tokenUrl: idp.discovery.tokenEndpoint!,
    auth: { clientId: idp.clientId!, clientSecret: await openIdpClientSecret(ctx.store, ctx.app.id), method: idpAuthMethod(idp.discovery.tokenAuthMethods) },
    scopes: loginScopes(idp),
  };
}

export async function startAuthDevice(ctx: CallerContext, session: AuthSession): Promise<DeviceStart> {
  const client = await idpClient(ctx);
  if (!client.endpoint) {
    return {
      prompt: null,
      unavailable:
        "the IDP's discovery document names no device_authorization_endpoint (RFC 8628); if it supports the device grant now, run `alter-gen vault idp set` again to read it",
    };
  }
  try {
    const started = capExpiry(await startDeviceAuthorization(client.endpoint, client.auth, client.scopes, " ", "the IDP", ctx.now), Date.parse(session.expiresAt));
    await insertDevice(ctx, "auth", session.id, null, started);
    return { prompt: started.prompt, unavailable: null };
  } catch (e) {
    if (e instanceof OAuthEndpointError || e instanceof VaultError || e instanceof DeviceAnswerError || e instanceof TokenAnswerError) {
      return { prompt: null, unavailable: `the IDP refused the device authorization: ${e.message}` };
    }
    throw e;
  }
}

/** Polls the IDP once if due; a finished device grant completes or ends the session. */
export async function advanceAuthDevice(ctx: CallerContext, session: AuthSession): Promise<void> {
  if (session.status !== "pending" || (await devicesOf(ctx.store, session.id)).length === 0) return;
  const client = await idpClient(ctx);
  const endings = await pollDueDevices(ctx, session.id, () => ({ tokenUrl: client.tokenUrl, auth: client.auth, owner: "the IDP" }));
  for (const ending of endings) await finish(ctx, session, ending);
}

async function finish(ctx: CallerContext, session: AuthSession, { step, answer }: DeviceEnding): Promise<void> {
  const details = { ...DETAILS, rule: step.rule };
  switch (step.outcome) {
    case "denied":
      return failAuthSession(ctx, session, "auth_denied", "The person declined the sign-in at the identity provider.", "failed", details);
    case "expired":
      return failAuthSession(ctx, session, "device_code_expired", "The sign-in code expired before the person entered it.", "expired", details);
    case "failed": {
      const error = answer?.kind === "error" ? answer.error : "unknown";
      return failAuthSession(ctx, session, "auth_failed", `The identity provider refused the device code: ${error}.`, "failed", details);
    }
    case "token": {
      let idToken: string | undefined;
      try {
        idToken = answer?.kind === "token" ? (validateTokenAnswer(answer.body, { owner: "the IDP" }).idToken ?? undefined) : undefined;
      } catch (e) {
        if (!(e instanceof TokenAnswerError)) throw e;
        return failAuthSession(ctx, session, "auth_failed", `The identity provider's token answer was refused: ${e.message}`, "failed", details);
      }
      if (!idToken) return failAuthSession(ctx, session, "auth_failed", "The identity provider returned no ID token.", "failed", details);
      await finishSignIn(ctx, session, idToken, undefined, DETAILS);
      return;
    }
    case "wait":
      return;
  }
}
