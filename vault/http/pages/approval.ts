// The approval pages. The approver's page shows the review (vault/approvals/review.ts) and
// nothing else, and its form carries the review's hash, so the decision binds to what was shown.
// After a decision, and on every later visit, the page says what became of the call
// (vault/approvals/outcome.ts): never "approved" above a call that did not run.
import type { ApprovalRecord } from "../../approvals/store.js";
import { askedRules, type ApprovalReview, type ReviewBody } from "../../approvals/review.js";
import { whyNotRun, type ApprovalOutcome } from "../../approvals/outcome.js";
import { html, type Html } from "./html.js";
import { layout, resultPage, time, type PageFrame } from "./layout.js";

const ASKED_BY: Record<string, string> = {
  floor: "the operator's policy floor on the managed secret",
  grant: "the grant's own policy",
};

/** "the grant's own policy, for every call (requireApproval)" / "…, for class write (requireApprovalFor)". */
const askedLine = (r: ApprovalReview) =>
  askedRules(r)
    .map(([source, rule]) => `${ASKED_BY[source] ?? source}, for ${rule} (${rule === "every call" ? "requireApproval" : "requireApprovalFor"})`)
    .join("; and ");

/** How the page names things the review holds as ids. */
export interface ReviewLabels {
  /** The provider's display name (GitHub), from the catalog. */
  providerName: string;
  /** The operation's summary from its document, when known. */
  summary?: string | null;
}

const row = (label: string, value: Html | string | null | undefined, id?: string) =>
  value === null || value === undefined || value === "" ? html`` : html`<dt>${label}</dt><dd${id ? html` id="${id}"` : html``}>${value}</dd>`;

const kib = (n: number) => (n < 1024 ? `${n} bytes` : `${(n / 1024).toFixed(1)} KiB (${n} bytes)`);

function bodySection(b: ReviewBody): Html {
  if (b.kind === "none") return html`<h2>Body</h2><p id="body" class="muted">No body.</p>`;
  const facts = html`<p id="body-facts" class="muted">${b.contentType ?? "no content type"}, ${kib(b.size)}, SHA-256 <code id="body-sha256">${b.sha256}</code></p>`;
  if (b.kind === "binary") return html`<h2>Body</h2>${facts}<p id="body" class="muted">Binary data, not shown as text.</p>`;
  const cut = b.truncated ? html`<p id="body-truncated" class="warning">Truncated: only the beginning is shown. The whole body is ${kib(b.size)}; its SHA-256 is above.</p>` : html``;
  return html`<h2>Body (${b.kind === "json" ? "JSON, formatted" : b.kind === "form" ? "form fields" : "text"})</h2>${facts}<pre id="body">${b.shown}</pre>${cut}`;
}

function pairs(id: string, title: string, list: [string, string][], empty: string): Html {
  if (list.length === 0) return html`<h2>${title}</h2><p id="${id}" class="muted">${empty}</p>`;
  return html`<h2>${title}</h2><dl id="${id}">${list.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** Whose access the call uses, in words: a person of the app, or the app itself. */
function owner(r: ApprovalReview): string {
  const [type, ...rest] = r.grant.principal.split(" ");
  const label = rest.join(" ");
  if (type === "user") return label ? `${label} (a user of the app)` : "a user of the app";
  if (type === "group") return `everyone in the group ${label}`;
  if (type === "system") return "the app itself (shared, for no particular user)";
  return r.grant.principal;
}

function operationLine(r: ApprovalReview, l: ReviewLabels): Html {
  if (!r.operationId) return html`<span class="muted">not named by the caller</span>`;
  return l.summary ? html`<span id="operation-summary">${l.summary}</span> <span class="muted">(<code>${r.operationId}</code>)</span>` : html`<code>${r.operationId}</code>`;
}

/** Everything the approver decides on. */
export function reviewSection(r: ApprovalReview, l: ReviewLabels): Html {
  const asked = askedLine(r);
  return html`<dl>
${row("Operation", operationLine(r, l), "operation")}
${row("Request", html`<code id="request-line">${r.method} ${r.url}</code>`)}
${row("Provider", l.providerName, "provider")}
${row("Account", r.grant.account ?? html`<span class="muted">not recorded</span>`, "account")}
${row("Access belongs to", owner(r), "owner")}
${row("Grant", html`<code>${r.grant.id}</code>`)}
${row("Approval asked by", asked, "asked-by")}
${row("API key (verified)", r.verified.apiKey)}
${row("End user (verified)", r.verified.endUser)}
${row("Requested", time(r.requestedAt), "requested")}
${row("Expires", time(r.expiresAt), "expires")}
</dl>
<h2>Stated by the caller <span class="muted">(not verified by the vault)</span></h2>
${r.stated.length ? html`<dl id="stated">${r.stated.map(([k, v]) => html`<dt>${k}</dt><dd class="stated" data-field="${k.toLowerCase()}">${v} <span class="muted">— stated by the caller</span></dd>`)}</dl>` : html`<p id="stated" class="muted">Nothing.</p>`}
${pairs("query", "Query parameters", r.query, "None.")}
${pairs("headers", "Headers set by the caller", r.headers, "None.")}
<p class="muted">The vault adds the credential when the call runs; it is never shown or stored with the request.</p>
${bodySection(r.body)}`;
}

export interface DecisionForm {
  hash: string;
  pageToken: string;
  csrf: string;
  /** Why the call could not run if approved now (a grant revoked): only Deny is offered. */
  blocked: string | null;
  /** With an IDP: who signed in to decide (null: not yet). Without one (null): a name field.
   *  A named approver link (issued by an operator): the name it binds, and the link's `named` value. */
  approver?: { signedIn: string | null; refusal?: string } | { named: string; value: string } | null;
}

/** Who is deciding: a name field, the signed-in person, or a link to sign in first. */
function approverPart(r: ApprovalReview, f: DecisionForm): { field: Html; canDecide: boolean } {
  if (!f.approver) {
    return {
      field: html`<label for="approver">Your name <span class="muted">(recorded in the audit log with your decision)</span></label>
<input type="text" id="approver" name="approver" required maxlength="100" autocomplete="name">`,
      canDecide: true,
    };
  }
  if ("named" in f.approver) {
    return {
      field: html`<input type="hidden" name="named" value="${f.approver.value}"><p id="approver-identity">You decide as <strong>${f.approver.named}</strong>, the person this link was issued for by an operator; your decision is recorded under this name.</p>`,
      canDecide: true,
    };
  }
  if (f.approver.signedIn && f.approver.refusal) return { field: html`<p id="approver-identity" class="bad">${f.approver.refusal}</p>`, canDecide: false };
  if (f.approver.signedIn) return { field: html`<p id="approver-identity">Signed in as <strong>${f.approver.signedIn}</strong>; your decision is recorded under this name.</p>`, canDecide: true };
  const href = `/approvals/${encodeURIComponent(r.approvalId)}/sign-in?token=${encodeURIComponent(f.pageToken)}`;
  return {
    field: html`<p id="approver-identity">Sign in first, so your decision is recorded under your name.</p><p><a class="button primary" id="sign-in" href="${href}">Sign in to decide</a></p>`,
    canDecide: false,
  };
}

export function approvalPage(frame: PageFrame, r: ApprovalReview, l: ReviewLabels, f: DecisionForm): string {
  const what = l.summary ?? r.operationId ?? `${r.method} request`;
  const who = approverPart(r, f);
  const buttons = f.blocked
    ? html`<button class="danger" id="deny" type="submit" name="decision" value="deny">Deny</button>`
    : html`<button class="primary" id="approve" type="submit" name="decision" value="approve">Approve and run</button>
<button class="danger" id="deny" type="submit" name="decision" value="deny">Deny</button>`;
  const blocked = f.blocked
    ? html`<p id="blocked" class="bad">This call cannot run: ${whyNotRun(f.blocked)}. You can only deny it.</p>`
    : html``;
  return layout(
    frame,
    `Approve a call to ${l.providerName}?`,
    html`<h1 id="title">Approve this call to ${l.providerName}?</h1>
<p id="lead">${frame.appName} asks to run <strong>${what}</strong> at ${l.providerName}${r.grant.account ? html` as <strong>${r.grant.account}</strong>` : html``}. It runs once, exactly as shown below, only if you approve.</p>
${blocked}${reviewSection(r, l)}
<p class="muted">Review SHA-256: <code id="review-sha256">${f.hash}</code></p>
<form method="post" action="${`/approvals/${encodeURIComponent(r.approvalId)}/decision`}">
<input type="hidden" name="token" value="${f.pageToken}"><input type="hidden" name="csrf" value="${f.csrf}"><input type="hidden" name="shown" value="${f.hash}">
${who.field}
${who.canDecide ? html`<div class="actions">${buttons}</div>` : html``}</form>`,
  );
}

const HEADLINE: Record<ApprovalOutcome["kind"], string> = {
  pending: "Waiting for a decision",
  denied: "Denied: the call did not run",
  expired: "Expired: the call did not run",
  running: "Approved: the call is running",
  succeeded: "Approved: the call ran",
  refused: "Approved, but the provider refused the call",
  "ran-withheld": "Approved: the call ran",
  "not-run": "Approved, but the call did not run",
};

function outcomeMessage(o: ApprovalOutcome, providerName: string): { text: string; tone: "good" | "bad" | "notice"; details: string | null } {
  switch (o.kind) {
    case "pending":
      return { text: "Nobody has approved or denied this call yet.", tone: "notice", details: null };
    case "denied":
      return { text: "This call was denied. It did not run and will not run.", tone: "notice", details: null };
    case "expired":
      return { text: "Nobody decided in time, so the call did not run. The app can ask again.", tone: "notice", details: null };
    case "running":
      return { text: `The call was approved and is being sent to ${providerName}. Reload this page to see its answer.`, tone: "notice", details: null };
    case "succeeded":
      return { text: `The call ran once. ${providerName} accepted it (HTTP ${o.status}).`, tone: "good", details: null };
    case "refused":
      return { text: `The call ran once, but ${providerName} refused it (HTTP ${o.status})${o.error ? `: ${o.error}` : "."}`, tone: "bad", details: null };
    case "ran-withheld":
      return { text: `The call ran once; its answer from ${providerName} is not shown.`, tone: "notice", details: null };
    case "not-run":
      return { text: `The call did not run: ${o.reason}.`, tone: "bad", details: o.code };
  }
}

/** A decided (or expired) approval: what became of the call, who decided, and what it was. */
export function approvalStatusPage(frame: PageFrame, a: ApprovalRecord, outcome: ApprovalOutcome, review: ApprovalReview | null, l: ReviewLabels, note?: string): string {
  const m = outcomeMessage(outcome, l.providerName);
  const decided = a.decidedAt
    ? html`<p id="decided" class="muted">${a.status === "denied" ? "Denied" : "Approved"} by ${a.decidedBy ?? "unknown"}, ${time(a.decidedAt)}.</p>`
    : html``;
  return layout(
    frame,
    HEADLINE[outcome.kind],
    html`<h1 id="title">${HEADLINE[outcome.kind]}</h1>
${note ? html`<p id="note" class="warning">${note}</p>` : html``}
<p id="status" class="status ${m.tone}" data-status="${a.status}" data-outcome="${outcome.kind}">${m.text}</p>${decided}
${m.details ? html`<details id="details"><summary>Technical details</summary><p>Error code: <code>${m.details}</code></p></details>` : html``}
${review ? html`<h2>The call</h2>${reviewSection(review, l)}` : html``}`,
  );
}

/** The status page behind the SDK's approvalUrl: no request details, no way to decide. */
export function approvalWaitingPage(frame: PageFrame, a: ApprovalRecord, outcome: ApprovalOutcome, l: ReviewLabels): string {
  const m = outcomeMessage(outcome, l.providerName);
  const next =
    a.status === "pending"
      ? html`<p id="next">This call waits for a person's approval. An operator approves or denies it with <code>alter-gen vault approvals approve ${a.id}</code> (or <code>deny</code>), or opens the approver link from <code>alter-gen vault approvals link ${a.id}</code>.</p>`
      : html``;
  return layout(
    frame,
    HEADLINE[outcome.kind],
    html`<h1 id="title">${HEADLINE[outcome.kind]}</h1>
<p id="status" class="status ${m.tone}" data-status="${a.status}" data-outcome="${outcome.kind}">${m.text}</p>${next}
<dl>${row("Provider", l.providerName)}${row("Operation", l.summary ?? a.operationId)}${row("Requested", time(a.createdAt))}${row("Expires", time(a.expiresAt))}</dl>`,
  );
}

export function approvalErrorPage(frame: PageFrame, title: string, message: string, next = "Ask the operator for a new approver link."): string {
  return resultPage(frame, "error", title, message, { next, tone: "bad" });
}
