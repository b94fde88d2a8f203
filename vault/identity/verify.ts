// Verifies an end user's IDP JWT (the Alter-User-Token header, or an ID token coming back from
// an authenticate login): signature through the IDP's JWKS, issuer, audience, expiry and
// not-before with a small clock tolerance, algorithms from discovery. Then maps (iss, sub) to a
// user (created on first sight) and the groups claim to memberships at that issuer.
import { errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { VaultError } from "../errors.js";
import type { VaultContext, VerifiedUser } from "../context.js";
import { loadIdpConfig, type IdpConfig } from "./idp-config.js";
import { remoteJwks } from "./jwks.js";
import { OutboundError } from "../outbound/bounded.js";
import { observeUser } from "./users.js";

export const CLOCK_TOLERANCE_SECONDS = 10;

type IdentityContext = VaultContext;

export async function verifyUserToken(ctx: IdentityContext, token: string): Promise<VerifiedUser> {
  const idp = await requireIdp(ctx);
  const payload = await verifyIdpJwt(idp, token, ctx.now());
  return provisionUser(ctx, idp, payload);
}

export async function requireIdp(ctx: IdentityContext): Promise<IdpConfig> {
  const idp = await loadIdpConfig(ctx.store, ctx.app.id);
  if (!idp) {
    throw new VaultError("user_token_invalid", "This vault has no identity provider configured; run `alter-gen vault idp set --issuer <url>` first.");
  }
  return idp;
}

/** Checks a JWT from the app's IDP and returns its claims; `nonce` is checked when given. */
export async function verifyIdpJwt(idp: IdpConfig, token: string, now: number, nonce?: string): Promise<JWTPayload> {
  if (typeof token !== "string" || token.split(".").length !== 3) {
    throw new VaultError("user_token_invalid", "The user token is not a JWT (expected three dot-separated parts).");
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, remoteJwks(idp.discovery.jwksUri), {
      issuer: idp.issuer,
      audience: idp.audiences,
      algorithms: idp.discovery.algorithms,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(now),
      requiredClaims: ["sub", "exp"],
    }));
  } catch (e) {
    throw new VaultError("user_token_invalid", describe(e, idp));
  }
  if (nonce !== undefined && payload.nonce !== nonce) {
    throw new VaultError("user_token_invalid", "The ID token's nonce does not match the login that asked for it.");
  }
  return payload;
}

export async function provisionUser(ctx: IdentityContext, idp: IdpConfig, payload: JWTPayload): Promise<VerifiedUser> {
  const subject = payload.sub!;
  const groups = groupsFrom(payload[idp.groupsClaim]);
  // jwtVerify checked iss against the configured issuer: that is whom the subject belongs to.
  const user = await observeUser(ctx.store, ctx.app.id, idp.issuer, subject, groups, ctx.now());
  if (user.removedAt !== null) {
    throw new VaultError("user_token_invalid", "This user was removed from the vault (`vault users remove`); their tokens are no longer accepted.");
  }
  return { userId: user.id, issuer: idp.issuer, subject, groups };
}

function groupsFrom(claim: unknown): string[] {
  if (typeof claim === "string") return claim === "" ? [] : [claim];
  if (Array.isArray(claim)) return [...new Set(claim.filter((g): g is string => typeof g === "string" && g !== ""))];
  return [];
}

// One sentence a person can act on; never the token or its claims.
function describe(e: unknown, idp: IdpConfig): string {
  if (e instanceof joseErrors.JWTExpired) return "The user token has expired; sign in again.";
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    switch (e.claim) {
      case "iss":
        return `The user token was not issued by this vault's IDP (${idp.issuer}).`;
      case "aud":
        return idp.audiences.length === 1
          ? `The user token's audience is not ${idp.audiences[0]}.`
          : `The user token's audience is none of ${idp.audiences.join(", ")}.`;
      case "nbf":
        return "The user token is not valid yet (nbf in the future).";
      default:
        return `The user token's ${e.claim} claim is missing or invalid.`;
    }
  }
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return "The user token's signature does not verify.";
  if (e instanceof joseErrors.JWKSNoMatchingKey) return "The user token is signed with a key the IDP does not publish.";
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return `The user token's algorithm is not one the IDP announces (${idp.discovery.algorithms.join(", ")}).`;
  if (e instanceof OutboundError) return `The IDP's keys could not be read: ${e.message}`;
  const fetchFailed = e instanceof joseErrors.JWKSTimeout || !(e instanceof joseErrors.JOSEError);
  if (fetchFailed) {
    return `The IDP's keys could not be fetched from ${idp.discovery.jwksUri}.`;
  }
  if (e instanceof joseErrors.JWTInvalid || e instanceof joseErrors.JWSInvalid) return "The user token is malformed.";
  return `The user token could not be verified (${(e as { code?: string }).code ?? "invalid"}).`;
}
