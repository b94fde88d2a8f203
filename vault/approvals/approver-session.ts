// Who is approving. When the app has an IDP, the approver signs in there (through the vault's
// /auth flow) before deciding, and the vault keeps who they are in a cookie for that one
// approval: its value is the approval id, the person's name (or email), IDP issuer and subject,
// the groups the vault recorded from the token they signed in with, and an expiry, MACed under the master key so it cannot be made or edited outside the vault. The
// decision and its audit row name that person. Without an IDP the approver gives a name, recorded
// as given on the page.
import type { AtRest } from "../crypto/at-rest.js";
import { constantTimeEqualHex } from "../oauth/compare.js";

export const APPROVER_COOKIE = "alter_approver";
export const APPROVER_SESSION_MS = 30 * 60_000;

export interface Approver {
  approvalId: string;
  /** Name or email claim (what pages show). */
  label: string;
  /** The IDP's subject (what the audit row adds). */
  subject: string;
  /** The IDP that vouched for the subject (a group grant names groups at one issuer). */
  issuer: string;
  /** The person's groups at that issuer, from the token they signed in with (only those the
   *  approval's grant names: http/routes/approval-page.ts). */
  groups: string[];
  expiresAt: number;
}

const PURPOSE = "approver-session";

export function mintApproverCookie(crypto: Pick<AtRest, "mac">, a: Approver): string {
  const body = Buffer.from(JSON.stringify([a.approvalId, a.label, a.subject, a.expiresAt, a.issuer, a.groups]), "utf8").toString("base64url");
  return `${body}.${crypto.mac(PURPOSE, body)}`;
}

/** The approver of this approval the cookie names, or null (absent, forged, expired, another approval). */
export function readApproverCookie(crypto: Pick<AtRest, "mac">, value: string | undefined, approvalId: string, nowMs: number): Approver | null {
  if (!value) return null;
  const [body, mac] = value.split(".");
  if (!body || !mac || !constantTimeEqualHex(mac, crypto.mac(PURPOSE, body))) return null;
  try {
    const [id, label, subject, expiresAt, issuer, groups] = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as [string, string, string, number, string, string[]];
    if (id !== approvalId || typeof expiresAt !== "number" || expiresAt <= nowMs) return null;
    // A cookie minted before issuer and groups were recorded names no issuer: sign in again.
    if (typeof issuer !== "string" || !Array.isArray(groups) || !groups.every((g) => typeof g === "string")) return null;
    return { approvalId: id, label, subject, issuer, groups, expiresAt };
  } catch {
    return null;
  }
}

// A named approver link (issue 15): a person who is not a user of the app's IDP (an on-call
// engineer, a customer's admin) cannot sign in there. An operator, who holds the master key, may
// issue a link for one approval bound to that person's name: `named` is the name and a MAC over
// the approval id, the link's token and the name, so it cannot be made, moved to another approval
// or renamed without the master key. Such a link decides without IDP sign-in, recorded as
// "<name> (named in an approver link an operator issued)". A link without `named` (the webhook's,
// for instance) still asks for IDP sign-in.
const NAMED_PURPOSE = "approval-named-approver";
export const MAX_APPROVER_NAME_CHARS = 100;

export function mintNamedApprover(crypto: Pick<AtRest, "mac">, approvalId: string, pageToken: string, name: string): string {
  const body = Buffer.from(name, "utf8").toString("base64url");
  return `${body}.${crypto.mac(NAMED_PURPOSE, `${approvalId}\n${pageToken}\n${name}`)}`;
}

/** The name a `named` value binds to this approval and link token, or null (absent, forged, another approval). */
export function readNamedApprover(crypto: Pick<AtRest, "mac">, value: string | null | undefined, approvalId: string, pageToken: string): string | null {
  if (!value) return null;
  const [body, mac] = value.split(".");
  if (!body || !mac) return null;
  const name = Buffer.from(body, "base64url").toString("utf8");
  if (name === "" || name.length > MAX_APPROVER_NAME_CHARS) return null;
  return constantTimeEqualHex(mac, crypto.mac(NAMED_PURPOSE, `${approvalId}\n${pageToken}\n${name}`)) ? name : null;
}

/** How a decision names its maker in `decided_by` and the audit row. */
export function approverName(a: Approver | { given: string } | { named: string }): string {
  if ("named" in a) return `${a.named} (named in an approver link an operator issued)`;
  return "given" in a ? `${a.given} (name given on the approval page)` : `${a.label} (signed in at the IDP as ${a.subject})`;
}
