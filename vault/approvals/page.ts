// The approval page: what is being asked (method, redacted URL, caller, reason) and two buttons.
import type { ApprovalRecord } from "./store.js";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{color:#666}dd{margin:0;word-break:break-all}
button{font:inherit;padding:.5rem 1.2rem;margin-right:.6rem;border-radius:.3rem;border:1px solid #888;cursor:pointer}
.approve{background:#1a7f37;color:#fff;border-color:#1a7f37}.deny{background:#fff}.status{font-weight:600}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function facts(a: ApprovalRecord): string {
  const rows: [string, string | null | undefined][] = [
    ["Request", `${a.method} ${a.urlRedacted}`],
    ["Provider", a.provider],
    ["Operation", a.operationId],
    ["Caller", a.context.caller ? `${a.context.caller}${a.context.callerType ? ` (${a.context.callerType})` : ""}` : null],
    ["Reason", a.context.reason],
    ["Tool", a.context.toolName],
    ["Run", a.context.runId],
    ["Grant", a.grantId],
    ["Requested", a.createdAt],
    ["Expires", a.expiresAt],
  ];
  return `<dl>${rows.filter(([, v]) => v).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v!)}</dd>`).join("")}</dl>`;
}

export function approvalPage(a: ApprovalRecord, pageToken: string, csrf: string): string {
  const form = (decision: "approve" | "deny", label: string) =>
    `<form method="post" action="/approvals/${encodeURIComponent(a.id)}/decision" style="display:inline">
<input type="hidden" name="token" value="${esc(pageToken)}"><input type="hidden" name="csrf" value="${esc(csrf)}">
<input type="hidden" name="decision" value="${decision}"><button class="${decision}" type="submit">${label}</button></form>`;
  return layout(
    "Approve a call",
    `<h1>Approve this call?</h1>${facts(a)}<p>${form("approve", "Approve and run")}${form("deny", "Deny")}</p>`,
  );
}

export function approvalStatusPage(a: ApprovalRecord, note?: string): string {
  return layout(
    "Approval",
    `<h1>Approval ${esc(a.id)}</h1><p class="status">Status: ${esc(a.status)}${a.errorCode ? ` (${esc(a.errorCode)})` : ""}</p>${note ? `<p>${esc(note)}</p>` : ""}${facts(a)}`,
  );
}

/** The status page behind the SDK's approvalUrl: no request details, no way to decide. */
export function approvalWaitingPage(a: ApprovalRecord): string {
  const next =
    a.status === "pending"
      ? `<p>This call waits for a person's approval. An operator approves or denies it with <code>alter-gen vault approvals approve ${esc(a.id)}</code> (or <code>deny</code>), or opens the approver link from <code>alter-gen vault approvals link ${esc(a.id)}</code>.</p>`
      : "";
  return layout("Approval", `<h1>Approval ${esc(a.id)}</h1><p class="status">Status: ${esc(a.status)}</p>${next}<p>Expires: ${esc(a.expiresAt)}</p>`);
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${esc(title)}</h1><p>${esc(message)}</p>`);
}
