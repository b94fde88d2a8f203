// The approval pages. The approver's page shows the review (vault/approvals/review.ts) and
// nothing else, and its form carries the review's hash, so the decision binds to what was shown.
import type { ApprovalRecord } from "../../approvals/store.js";
import type { ApprovalReview, ReviewBody } from "../../approvals/review.js";
import { html, type Html } from "./html.js";
import { layout, resultPage } from "./layout.js";

const ASKED_BY: Record<string, string> = {
  floor: "the operator's policy floor on the managed secret (requireApproval)",
  grant: "the grant's own policy (requireApproval)",
};

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

/** Everything the approver decides on. */
export function reviewSection(r: ApprovalReview): Html {
  const asked = r.askedBy.map((s) => ASKED_BY[s] ?? s).join("; and ");
  return html`<dl>
${row("Operation", r.operationId, "operation")}
${row("Request", html`<code id="request-line">${r.method} ${r.url}</code>`)}
${row("Provider", r.provider)}
${row("Grant", `${r.grant.id} (${r.grant.principal}${r.grant.account ? `, account ${r.grant.account}` : ""})`)}
${row("Approval asked by", asked, "asked-by")}
${row("API key (verified)", r.verified.apiKey)}
${row("End user (verified)", r.verified.endUser)}
${row("Requested", r.requestedAt)}
${row("Expires", r.expiresAt)}
</dl>
<h2>Stated by the caller <span class="muted">(not verified by the vault)</span></h2>
${r.stated.length ? html`<dl id="stated">${r.stated.map(([k, v]) => html`<dt>${k}</dt><dd class="stated" data-field="${k.toLowerCase()}">${v} <span class="muted">— stated by the caller</span></dd>`)}</dl>` : html`<p id="stated" class="muted">Nothing.</p>`}
${pairs("query", "Query parameters", r.query, "None.")}
${pairs("headers", "Headers set by the caller", r.headers, "None.")}
<p class="muted">The vault adds the credential when the call runs; it is never shown or stored with the request.</p>
${bodySection(r.body)}`;
}

export function approvalPage(r: ApprovalReview, hash: string, pageToken: string, csrf: string): string {
  const form = (decision: "approve" | "deny", label: string, cls: string) =>
    html`<form method="post" action="${`/approvals/${encodeURIComponent(r.approvalId)}/decision`}" style="display:inline">
<input type="hidden" name="token" value="${pageToken}"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="shown" value="${hash}">
<input type="hidden" name="decision" value="${decision}"><button class="${cls}" id="${decision}" type="submit">${label}</button></form>`;
  return layout(
    "Approve a call",
    html`<h1 id="title">Approve this call?</h1>${reviewSection(r)}
<p class="muted">Review SHA-256: <code id="review-sha256">${hash}</code></p>
<p>${form("approve", "Approve and run", "approve primary")}${form("deny", "Deny", "deny")}</p>`,
  );
}

export function approvalStatusPage(a: ApprovalRecord, review: ApprovalReview | null, note?: string): string {
  return layout(
    "Approval",
    html`<h1 id="title">Approval ${a.id}</h1><p class="status" id="status" data-status="${a.status}">Status: ${a.status}${a.errorCode ? ` (${a.errorCode})` : ""}</p>${note ? html`<p id="note">${note}</p>` : html``}${review ? reviewSection(review) : html``}`,
  );
}

/** The status page behind the SDK's approvalUrl: no request details, no way to decide. */
export function approvalWaitingPage(a: ApprovalRecord): string {
  const next =
    a.status === "pending"
      ? html`<p>This call waits for a person's approval. An operator approves or denies it with <code>alter-gen vault approvals approve ${a.id}</code> (or <code>deny</code>), or opens the approver link from <code>alter-gen vault approvals link ${a.id}</code>.</p>`
      : html``;
  return layout("Approval", html`<h1 id="title">Approval ${a.id}</h1><p class="status" id="status" data-status="${a.status}">Status: ${a.status}</p>${next}<p>Expires: ${a.expiresAt}</p>`);
}

export function approvalErrorPage(title: string, message: string): string {
  return resultPage("error", title, message);
}
