// Who may decide an approval on the approver's page after signing in at the app's IDP. A call on a
// user's grant uses that person's own access, so only they decide it there: an approver link that
// reaches a shared place (a chat channel the webhook posts to) must not let a colleague approve a
// call on someone else's account. System and group grants are the app's: anyone the link reaches
// who signs in may decide, as before. Operators decide any approval with the CLI or through a
// named approver link (approver-session.ts).
import type { Store } from "../storage/store/index.js";
import type { ApprovalRecord } from "./store.js";
import type { Approver } from "./approver-session.js";

/** Null when `who` (signed in at `issuer`) may decide `a`; otherwise why not, in words for the page. */
export async function signedInApproverRefusal(store: Store, a: ApprovalRecord, who: Approver, issuer: string): Promise<string | null> {
  const grant = await store.grants.get(a.appId, a.grantId);
  if (!grant || grant.principalType !== "user" || !grant.principalId) return null;
  const owner = await store.users.get(grant.principalId);
  if (owner && owner.issuer === issuer && owner.subject === who.subject) return null;
  const whose = grant.principalLabel ?? "another user";
  return `This call uses ${whose}'s own access, so only ${whose} can decide it here; you are signed in as ${who.label}. An operator can still decide it from the command line.`;
}
