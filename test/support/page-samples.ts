// Every vault page, rendered by its real builder from sample data a person would meet (an app,
// GitHub and Slack, an approval with a long URL and a JSON body). Used by the look test (no
// horizontal scrolling on a phone) and by scripts/page-screenshots.ts (docs/pages.md).
import { buildReview } from "../../vault/approvals/review.js";
import type { ApprovalRecord } from "../../vault/approvals/store.js";
import type { ApprovalOutcome } from "../../vault/approvals/outcome.js";
import { approvalErrorPage, approvalPage, approvalStatusPage, approvalWaitingPage } from "../../vault/http/pages/approval.js";
import { authErrorPage, signedInPage } from "../../vault/http/pages/auth.js";
import { confirmPage, connectedPage, connectErrorPage, expiredLinkPage, finishedSessionPage, notConnectedPage, pickerPage, type ProviderState } from "../../vault/http/pages/connect.js";
import type { PageFrame } from "../../vault/http/pages/layout.js";

export interface PageSample {
  name: string;
  /** What the page is for, one line (docs/pages.md). */
  caption: string;
  html: string;
}

const frame: PageFrame = { appName: "Acme Support", vaultHost: "127.0.0.1:7420" };
const NOW = "2026-12-03T14:05:00.000Z";

const approval = {
  id: "7d1c2a9e-5b0f-4c1e-9a43-2f6d8e1b3c55",
  appId: "app",
  grantId: "3f9b1e2d-8c47-4a6b-b0e1-5d2c7f8a9e10",
  keyId: "key_live_billing",
  status: "pending",
  provider: "github",
  operationId: "issues/create",
  method: "POST",
  urlRedacted: "",
  context: { caller: "billing-agent", callerType: "agent", reason: "Customer asked for a refund in ticket #4411", toolName: "create_issue" },
  remoteAddress: "127.0.0.1",
  createdAt: NOW,
  expiresAt: "2026-12-03T15:05:00.000Z",
  decidedAt: null,
  decidedBy: null,
  errorCode: null,
  hasResult: false,
  requester: { userId: "u1", subject: "alice", groups: [] },
  askedBy: ["grant"],
  approvedHash: null,
} as unknown as ApprovalRecord;

const body = JSON.stringify({ title: "Refund order 88213 for customer alice@example.com", body: "Refund 500.00 USD. Approved amount: 500000 cents.", labels: ["billing", "refund"] });
const review = buildReview(
  approval,
  {
    method: "POST",
    url: "https://api.github.com/repos/acme-corporation-with-a-long-name/billing-and-invoices-service/issues?notify=false",
    headers: { "content-type": "application/json", accept: "application/vnd.github+json" },
    body: Buffer.from(body),
  },
  { id: approval.grantId, account: "acme-billing-bot", principalType: "system", principalLabel: null },
);
const labels = { providerName: "GitHub", summary: "Create an issue" };
const form = { hash: "9c2e4b0f1a7d3e6c8b5a2f9e0d4c7b1a6e3f8d2c5b9a0e7f4d1c6b3a8e5f2d9c", pageToken: "tok", csrf: "csrf", blocked: null };
const decided = (status: string, errorCode: string | null = null) =>
  ({ ...approval, status, errorCode, decidedAt: "2026-12-03T14:07:00.000Z", decidedBy: "Dana Reviewer (name given on the approval page)" }) as ApprovalRecord;

const two: ProviderState[] = [
  { id: "github", name: "GitHub", state: "connected", account: "alice@example.com" },
  { id: "slack", name: "Slack", state: "waiting" },
];
const partial: ProviderState[] = [two[0]!, { id: "slack", name: "Slack", state: "denied" }];
const done: ProviderState[] = [two[0]!, { id: "slack", name: "Slack", state: "connected", account: "Acme workspace" }];

const outcomes: [string, string, ApprovalRecord, ApprovalOutcome][] = [
  ["approval-ran", "After approving: the call ran and the provider accepted it.", decided("executed"), { kind: "succeeded", status: 201 }],
  ["approval-refused", "After approving: the call ran, the provider refused it (422) with its error text.", decided("executed"), { kind: "refused", status: 422, error: "Validation Failed; missing_field" }],
  ["approval-not-run", "After approving: the call did not run (the grant was revoked meanwhile), and why.", decided("failed", "grant_revoked"), { kind: "not-run", code: "grant_revoked", reason: "the account's access (its grant) was revoked after the call was requested" }],
  ["approval-denied", "A denied approval, revisited.", decided("denied"), { kind: "denied" }],
];

export function pageSamples(): PageSample[] {
  return [
    { name: "connect-picker", caption: "A connect link for two providers: the picker.", html: pickerPage(frame, "s1", "tok", two) },
    {
      name: "connect-confirm",
      caption: "The confirmation before leaving for the provider: what the app will be able to do, in words, and whose connection it becomes.",
      html: confirmPage(frame, {
        sessionId: "s1",
        pageToken: "tok",
        csrf: "csrf",
        provider: { id: "github", name: "GitHub" },
        scopes: [
          { scope: "read:user", words: "Read your profile" },
          { scope: "repo", words: "Full control of your repositories, public and private (code, issues, pull requests, settings)" },
        ],
        owner: "alice@example.com",
      }),
    },
    { name: "connect-connected", caption: "One provider connected, one to go.", html: connectedPage(frame, two[0]!, two, { href: "#", name: "Slack" }) },
    { name: "connect-completed", caption: "Everything connected.", html: connectedPage(frame, done[1]!, done, null) },
    { name: "connect-partial", caption: "GitHub connected, Slack declined: the page says GitHub stays connected.", html: notConnectedPage(frame, "denied", partial[1]!, partial) },
    { name: "connect-finished", caption: "A completed connect link opened again.", html: finishedSessionPage(frame, "completed", done) },
    { name: "connect-expired", caption: "An expired connect link.", html: expiredLinkPage(frame, "connect") },
    { name: "connect-error", caption: "A failed connect: plain words, the provider's error under Technical details.", html: connectErrorPage(frame, "The account could not be connected.", { details: 'The code exchange with github failed: invalid_grant ("The code has expired")' }) },
    { name: "signed-in", caption: "Sign-in finished, naming the person by name or email.", html: signedInPage(frame, "alice@example.com") },
    { name: "sign-in-error", caption: "A sign-in that did not finish.", html: authErrorPage(frame, "The sign-in did not finish.", { details: 'The identity provider answered "access_denied".' }) },
    { name: "approval", caption: "The approver's page: the operation's summary, the account and its owner, the full request, local times, the approver's name.", html: approvalPage(frame, review, labels, form) },
    { name: "approval-sign-in", caption: "The approver's page when the app has an IDP: sign in before deciding.", html: approvalPage(frame, review, labels, { ...form, approver: { signedIn: null } }) },
    { name: "approval-blocked", caption: "The grant was revoked: the page says why and offers only Deny.", html: approvalPage(frame, review, labels, { ...form, blocked: "grant_revoked" }) },
    ...outcomes.map(([name, caption, a, o]) => ({ name, caption, html: approvalStatusPage(frame, a, o, review, labels) })),
    { name: "approval-waiting", caption: "The status page behind the SDK's approvalUrl (no way to decide).", html: approvalWaitingPage(frame, approval, { kind: "pending" }, labels) },
    { name: "approval-link-error", caption: "An approver link that does not work.", html: approvalErrorPage(frame, "This link does not work", "This approval link is not valid, or the form did not come from it.") },
  ];
}
