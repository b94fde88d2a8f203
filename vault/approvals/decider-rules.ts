// Who may decide an approval, as one table of named rules read top to bottom (the first rule that
// speaks decides). A call runs with the access of its grant's principal, so the person deciding
// must be someone that access belongs to: an approver link reaches shared places (the chat channel
// a webhook posts to), and anyone there may sign in at the app's IDP.
//
// - An operator (the CLI, or a link an operator issued naming a person) always may.
// - Without IDP sign-in on the approval page (the app has no login client), the link is the
//   credential: operators hand it out, and the page records the name the person gives.
// - A user grant: only its owner, signed in at the issuer the grant is bound to.
// - A group grant: only a member of that group at the grant's issuer, per the groups of the token
//   they signed in with; never a non-member.
// - A system grant is the app's own access: anyone signed in at the app's IDP, as before.
import type { GrantRecord } from "../grant-types.js";
import type { UserRecord } from "../storage/users.js";
import type { Store } from "../storage/store/index.js";
import type { Approver } from "./approver-session.js";
import type { ApprovalRecord } from "./store.js";

export type Decider =
  | { kind: "operator"; via: "cli" | "named-link" }
  | { kind: "named-on-page" }
  | { kind: "signed-in"; approver: Approver };

export interface DeciderFacts {
  decider: Decider;
  /** The approval's grant, or undefined when it is gone (the call then cannot run). */
  grant: Pick<GrantRecord, "principalType" | "principalId" | "principalLabel" | "principalIssuer"> | undefined;
  /** The owner of a user grant. */
  owner: Pick<UserRecord, "issuer" | "subject"> | undefined;
}

/** Allowed, or refused with a sentence for the page. */
export type Verdict = { allowed: true } | { allowed: false; why: string };
type Rule = (f: DeciderFacts) => Verdict | undefined;

const ALLOW: Verdict = { allowed: true };
const signedIn = (f: DeciderFacts) => (f.decider.kind === "signed-in" ? f.decider.approver : undefined);
const whose = (f: DeciderFacts) => f.grant?.principalLabel ?? (f.grant?.principalType === "group" ? f.grant.principalId : null) ?? "another user";

export const DECIDER_RULES: ReadonlyArray<readonly [name: string, rule: Rule]> = [
  ["operator", (f) => (f.decider.kind === "operator" ? ALLOW : undefined)],
  ["link-without-idp-sign-in", (f) => (f.decider.kind === "named-on-page" ? ALLOW : undefined)],
  // Nothing can run without the grant; deciding (denying, in effect) harms no one.
  ["grant-gone", (f) => (f.grant === undefined ? ALLOW : undefined)],
  ["system-grant", (f) => (f.grant?.principalType === "system" ? ALLOW : undefined)],
  [
    "user-grant-owner",
    (f) => {
      const who = signedIn(f);
      if (f.grant?.principalType !== "user" || !who) return undefined;
      return f.owner && f.owner.issuer === who.issuer && f.owner.subject === who.subject ? ALLOW : undefined;
    },
  ],
  [
    "user-grant-not-owner",
    (f) =>
      f.grant?.principalType === "user"
        ? {
            allowed: false,
            why: `This call uses ${whose(f)}'s own access, so only ${whose(f)} can decide it here; you are signed in as ${signedIn(f)?.label ?? "someone else"}. An operator can still decide it from the command line.`,
          }
        : undefined,
  ],
  [
    "group-member",
    (f) => {
      const who = signedIn(f);
      if (f.grant?.principalType !== "group" || !who) return undefined;
      const member = f.grant.principalIssuer !== null && who.issuer === f.grant.principalIssuer && who.groups.includes(f.grant.principalId ?? "");
      return member ? ALLOW : undefined;
    },
  ],
  [
    "group-non-member",
    (f) =>
      f.grant?.principalType === "group"
        ? {
            allowed: false,
            why: `This call uses the access of the group ${whose(f)}, so only its members can decide it here; you are signed in as ${signedIn(f)?.label ?? "someone else"}, and your sign-in does not show you in that group. An operator can still decide it from the command line.`,
          }
        : undefined,
  ],
];

/** The first rule that speaks; refused when none does (a principal type no rule knows). */
export function mayDecide(f: DeciderFacts): Verdict & { rule: string } {
  for (const [name, rule] of DECIDER_RULES) {
    const v = rule(f);
    if (v) return { ...v, rule: name };
  }
  return { allowed: false, why: "No rule lets you decide this call here; an operator can decide it from the command line.", rule: "default" };
}

/** The facts for `a` from the store (its grant, and a user grant's owner), and the verdict. */
export async function judgeDecider(store: Store, a: ApprovalRecord, decider: Decider): Promise<{ verdict: Verdict & { rule: string }; audit: Record<string, unknown> }> {
  const grant = await store.grants.get(a.appId, a.grantId);
  const owner = grant?.principalType === "user" && grant.principalId ? await store.users.get(grant.principalId) : undefined;
  const facts: DeciderFacts = { decider, grant, owner };
  const verdict = mayDecide(facts);
  return { verdict, audit: deciderDetails(facts, verdict.rule) };
}

/** The deciding identity for the audit row (never a token: who, where, and by which rule). */
export function deciderDetails(f: DeciderFacts, rule: string): Record<string, unknown> {
  const who = signedIn(f);
  const via = f.decider.kind === "operator" ? f.decider.via : f.decider.kind === "named-on-page" ? "approver-link" : "idp-sign-in";
  return { decider: { via, rule, ...(who ? { issuer: who.issuer, subject: who.subject } : {}) } };
}
