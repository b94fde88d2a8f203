// The vault's pages escape text once, in one place (the html tag of vault/http/pages/html.ts):
// every page builder, given hostile text everywhere, emits it as text, never as markup, and never
// escaped twice.
import { describe, expect, it } from "vitest";
import { html } from "../../vault/http/pages/html.js";
import { confirmPage, connectedPage, connectErrorPage, expiredLinkPage, finishedSessionPage, notConnectedPage, pickerPage, type ProviderState } from "../../vault/http/pages/connect.js";
import { authErrorPage, signedInPage } from "../../vault/http/pages/auth.js";
import { approvalErrorPage, approvalPage, approvalStatusPage, approvalWaitingPage } from "../../vault/http/pages/approval.js";
import { buildReview } from "../../vault/approvals/review.js";
import type { PageFrame } from "../../vault/http/pages/layout.js";
import type { ApprovalRecord } from "../../vault/approvals/store.js";

const EVIL = `<script>alert("x")</script>&'`;
const ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;";

describe("the html tag", () => {
  const cases: [string, () => string, string][] = [
    ["escapes an interpolated string", () => html`<p>${EVIL}</p>`.toString(), `<p>${ESCAPED}</p>`],
    ["does not escape Html twice", () => html`<div>${html`<p>${EVIL}</p>`}</div>`.toString(), `<div><p>${ESCAPED}</p></div>`],
    ["joins lists, escaping each item", () => html`<ul>${["<a>", html`<li>${"&"}</li>`]}</ul>`.toString(), "<ul>&lt;a&gt;<li>&amp;</li></ul>"],
    ["escapes inside attributes", () => html`<a href="${'" onclick="x'}">`.toString(), '<a href="&quot; onclick=&quot;x">'],
    ["renders nothing for null, undefined and false", () => html`${null}${undefined}${false}|${0}`.toString(), "|0"],
  ];
  for (const [name, render, want] of cases) it(name, () => expect(render()).toBe(want));
});

describe("every page escapes what it shows", () => {
  const approval = {
    id: EVIL, appId: "a", grantId: EVIL, keyId: EVIL, status: "pending", provider: EVIL, operationId: EVIL, method: "POST", urlRedacted: EVIL,
    context: { reason: EVIL, caller: EVIL, toolName: EVIL }, remoteAddress: null, createdAt: EVIL, expiresAt: EVIL, decidedAt: null, decidedBy: null,
    errorCode: EVIL, hasResult: false, requester: { userId: "u", subject: EVIL, groups: [] }, askedBy: ["floor"], approvedHash: null,
  } as unknown as ApprovalRecord;
  const review = buildReview(approval, { method: "POST", url: `https://x.test/p?q=${encodeURIComponent(EVIL)}`, headers: { "x-evil": EVIL }, body: Buffer.from(JSON.stringify({ v: EVIL })) }, undefined);
  const frame: PageFrame = { appName: EVIL, vaultHost: EVIL };
  const labels = { providerName: EVIL, summary: EVIL };
  const list: ProviderState[] = [
    { id: EVIL, name: EVIL, state: "connected", account: EVIL },
    { id: "b", name: EVIL, state: "denied" },
  ];
  const pages: [string, string][] = [
    ["picker", pickerPage(frame, EVIL, EVIL, list)],
    ["confirm (user)", confirmPage(frame, { sessionId: EVIL, pageToken: EVIL, csrf: EVIL, provider: { id: EVIL, name: EVIL }, scopes: [{ scope: EVIL, words: EVIL }, { scope: EVIL, words: null }], owner: EVIL })],
    ["confirm (system)", confirmPage(frame, { sessionId: "s", pageToken: "t", csrf: "c", provider: { id: "p", name: EVIL }, scopes: [], owner: null })],
    ["connected, with next", connectedPage(frame, list[0]!, list, { href: EVIL, name: EVIL })],
    ["connected", connectedPage(frame, list[0]!, list, null)],
    ["partly connected", notConnectedPage(frame, "denied", list[1]!, list)],
    ["cancelled", notConnectedPage(frame, "cancelled", list[1]!, list)],
    ["finished", finishedSessionPage(frame, "denied", list)],
    ["expired", expiredLinkPage(frame, "connect")],
    ["connect error", connectErrorPage(frame, EVIL, { details: EVIL })],
    ["signed in", signedInPage(frame, EVIL)],
    ["auth error", authErrorPage(frame, EVIL, { details: EVIL })],
    ["approval", approvalPage(frame, review, labels, { hash: EVIL, pageToken: EVIL, csrf: EVIL, blocked: null })],
    ["approval, approver signed in", approvalPage(frame, review, labels, { hash: EVIL, pageToken: EVIL, csrf: EVIL, blocked: null, approver: { signedIn: EVIL } })],
    ["approval, approver to sign in", approvalPage(frame, review, labels, { hash: EVIL, pageToken: EVIL, csrf: EVIL, blocked: null, approver: { signedIn: null } })],
    ["approval, blocked", approvalPage(frame, review, labels, { hash: EVIL, pageToken: EVIL, csrf: EVIL, blocked: "grant_revoked" })],
    ["approval status", approvalStatusPage(frame, approval, { kind: "refused", status: 422, error: EVIL }, review, labels, EVIL)],
    ["approval waiting", approvalWaitingPage(frame, approval, { kind: "pending" }, labels)],
    ["approval error", approvalErrorPage(frame, EVIL, EVIL)],
  ];
  for (const [name, page] of pages) {
    it(name, () => {
      expect(page).not.toContain("<script>alert");
      expect(page).not.toMatch(/&amp;(lt|gt|quot|amp|#39);/);
      expect(page).toContain("&lt;script&gt;");
    });
  }
});
