// The vault's pages escape text once, in one place (the html tag of vault/http/pages/html.ts):
// every page builder, given hostile text everywhere, emits it as text, never as markup, and never
// escaped twice.
import { describe, expect, it } from "vitest";
import { html } from "../../vault/http/pages/html.js";
import { confirmPage, connectedPage, connectErrorPage, deniedPage, pickerPage, cancelledPage } from "../../vault/http/pages/connect.js";
import { authErrorPage, signedInPage } from "../../vault/http/pages/auth.js";
import { approvalErrorPage, approvalPage, approvalStatusPage, approvalWaitingPage } from "../../vault/http/pages/approval.js";
import { buildReview } from "../../vault/approvals/review.js";
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
  const pages: [string, string][] = [
    ["picker", pickerPage(EVIL, EVIL, EVIL, [{ id: EVIL, name: EVIL, done: false }, { id: "b", name: EVIL, done: true }])],
    ["confirm (user)", confirmPage({ sessionId: EVIL, pageToken: EVIL, csrf: EVIL, appName: EVIL, provider: { id: EVIL, name: EVIL }, scopes: [EVIL], owner: EVIL })],
    ["confirm (system)", confirmPage({ sessionId: "s", pageToken: "t", csrf: "c", appName: EVIL, provider: { id: "p", name: EVIL }, scopes: [], owner: null })],
    ["connected, with next", connectedPage(EVIL, EVIL, { href: EVIL, name: EVIL })],
    ["connected", connectedPage(EVIL, null, null)],
    ["denied", deniedPage(EVIL)],
    ["cancelled", cancelledPage(EVIL)],
    ["connect error", connectErrorPage(EVIL)],
    ["signed in", signedInPage(EVIL)],
    ["auth error", authErrorPage(EVIL)],
    ["approval", approvalPage(review, EVIL, EVIL, EVIL)],
    ["approval status", approvalStatusPage(approval, review, EVIL)],
    ["approval waiting", approvalWaitingPage(approval)],
    ["approval error", approvalErrorPage(EVIL, EVIL)],
  ];
  for (const [name, page] of pages) {
    it(name, () => {
      expect(page).not.toContain("<script>");
      expect(page).not.toMatch(/&amp;(lt|gt|quot|amp|#39);/);
      expect(page).toContain("&lt;script&gt;");
    });
  }
});
