// An approval's review as terminal text, for `vault approvals show`: the same facts as the
// approver's page, in the same order, with the caller's own words marked as such.
import { askedRules, type ApprovalReview } from "../approvals/review.js";
import type { ApprovalOutcome } from "../approvals/outcome.js";

const ASKED_BY: Record<string, string> = { floor: "the managed secret's policy floor", grant: "the grant's policy" };

export function reviewText(r: ApprovalReview, hash: string): string {
  const lines: string[] = [];
  const add = (k: string, v: string | null | undefined) => {
    if (v) lines.push(`${k.padEnd(22)}${v}`);
  };
  add("Operation", r.operationId);
  add("Request", `${r.method} ${r.url}`);
  add("Provider", r.provider);
  add("Grant", `${r.grant.id} (${r.grant.principal}${r.grant.account ? `, account ${r.grant.account}` : ""})`);
  add("Approval asked by", askedRules(r).map(([source, rule]) => `${ASKED_BY[source] ?? source} (${rule})`).join(" and "));
  add("API key (verified)", r.verified.apiKey);
  add("End user (verified)", r.verified.endUser);
  add("Requested", r.requestedAt);
  add("Expires", r.expiresAt);
  lines.push("", "Stated by the caller (not verified):");
  if (r.stated.length === 0) lines.push("  nothing");
  for (const [k, v] of r.stated) lines.push(`  ${k}: ${v}`);
  lines.push("", "Query parameters:");
  if (r.query.length === 0) lines.push("  none");
  for (const [k, v] of r.query) lines.push(`  ${k} = ${v}`);
  lines.push("", "Headers set by the caller:");
  if (r.headers.length === 0) lines.push("  none");
  for (const [k, v] of r.headers) lines.push(`  ${k}: ${v}`);
  lines.push("");
  const b = r.body;
  if (b.kind === "none") lines.push("Body: none");
  else {
    lines.push(`Body: ${b.contentType ?? "no content type"}, ${b.size} bytes, SHA-256 ${b.sha256}`);
    if (b.kind === "binary") lines.push("  (binary, not shown)");
    else lines.push(...b.shown.split("\n").map((l) => `  ${l}`));
    if (b.truncated) lines.push(`  … truncated; the whole body is ${b.size} bytes (SHA-256 above)`);
  }
  lines.push("", `Review SHA-256: ${hash}`, `Approve exactly this with: alter-gen vault approvals approve ${r.approvalId} --expect-hash ${hash}`);
  return lines.join("\n");
}

/**
 * One line on what became of an approved call, for `vault approvals approve`: a provider's refusal
 * (422, Slack's `ok: false`) is never reported as a plain "executed".
 */
export function outcomeLine(id: string, o: ApprovalOutcome): string {
  switch (o.kind) {
    case "succeeded":
      return `Approval ${id}: executed; the provider accepted the call (${o.status}).`;
    case "refused":
      return `Approval ${id}: executed, but the provider refused the call (${o.status}${o.error ? `: ${o.error}` : ""}).`;
    case "not-run":
      return `Approval ${id}: failed (${o.code}); the call did not run: ${o.reason}`;
    case "ran-withheld":
      return `Approval ${id}: executed; its answer is withheld.`;
    case "running":
      return `Approval ${id}: approved; the call is running.`;
    default:
      return `Approval ${id}: ${o.kind}.`;
  }
}
