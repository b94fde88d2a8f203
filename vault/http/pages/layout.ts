// The frame of every vault page: plain HTML, one inline stylesheet, one tiny script that shows
// times in the reader's own time zone (the page reads fine without it: times are then in UTC,
// named as such). Text enters the markup only through the `html` tag (./html.ts), which escapes it.
import { createHash } from "node:crypto";
import { html, Html } from "./html.js";

/** Who the page speaks for: the app (from `vault init --app-name`) and the vault serving it. */
export interface PageFrame {
  appName: string;
  /** The vault's own address as the browser reached it (host[:port]). */
  vaultHost: string;
}

// Rewrites each <time data-local> to the reader's local time with its zone named; nothing else.
const LOCAL_TIME_SCRIPT =
  'for(const t of document.querySelectorAll("time[data-local]")){const d=new Date(t.dateTime);if(!isNaN(d))t.textContent=d.toLocaleString(undefined,{year:"numeric",month:"short",day:"numeric",hour:"2-digit",minute:"2-digit",timeZoneName:"long"})}';

/** The CSP source that allows exactly that script (respond.ts adds it to every page's policy). */
export const PAGE_SCRIPT_CSP = `'sha256-${createHash("sha256").update(LOCAL_TIME_SCRIPT, "utf8").digest("base64")}'`;

// An inline SVG favicon: a padlock, so the tab shows it is the vault's page and asks for nothing.
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect x='3' y='7' width='10' height='8' rx='1.5' fill='%231a7f37'/%3E%3Cpath d='M5 7V5a3 3 0 0 1 6 0v2' stroke='%231a7f37' stroke-width='1.6' fill='none'/%3E%3C/svg%3E";

const STYLE = `*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa;overflow-wrap:break-word}
header.top{background:#fff;border-bottom:1px solid #d0d7de;padding:.7rem 1rem}
header.top .inner,main{max-width:42rem;margin:0 auto}
header.top strong{font-size:1.05rem}
main{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:1.5rem auto;padding:1.2rem 1.4rem}
@media (max-width:44rem){main{margin:0;border-width:0 0 1px;border-radius:0}}
h1{font-size:1.35rem;margin:.2rem 0 .8rem;line-height:1.3}h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
a{color:#0550ae}
a.button,button{display:inline-block;font:inherit;padding:.55rem 1.1rem;margin:.25rem .5rem .25rem 0;border:1px solid #8c959f;border-radius:6px;background:#fff;color:#1f2328;text-decoration:none;cursor:pointer}
button.primary,a.button.primary{background:#1a7f37;border-color:#1a7f37;color:#fff}
button.danger{border-color:#cf222e;color:#a40e26}
:focus-visible{outline:3px solid #0969da;outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:.25rem;align-items:center;margin:1rem 0 0}
.actions form{margin:0}
ul.plain{list-style:none;padding:0;margin:.5rem 0}ul.plain li{margin:.35rem 0}
ul.scopes{margin:.2rem 0 0;padding-left:1.2rem}
dl{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.35rem 1rem;margin:.5rem 0}dt{color:#59636e}dd{margin:0;min-width:0}
@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}}
code{overflow-wrap:anywhere}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.6rem;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;max-height:40rem}
label{display:block;font-weight:600;margin:.8rem 0 .2rem}input[type=text]{font:inherit;padding:.4rem .5rem;border:1px solid #8c959f;border-radius:6px;width:100%;max-width:24rem}
.muted{color:#59636e}.stated{color:#8a4b00}.status{font-weight:600}
.notice{border-left:4px solid #0969da;background:#ddf4ff;padding:.5rem .7rem;border-radius:0 6px 6px 0}
.warning{border-left:4px solid #bf8700;background:#fff8c5;padding:.5rem .7rem;border-radius:0 6px 6px 0}
.bad{border-left:4px solid #cf222e;background:#ffebe9;padding:.5rem .7rem;border-radius:0 6px 6px 0}
.good{border-left:4px solid #1a7f37;background:#dafbe1;padding:.5rem .7rem;border-radius:0 6px 6px 0}
details{margin:.8rem 0}summary{cursor:pointer;color:#59636e}
footer{max-width:42rem;margin:0 auto 2rem;padding:0 1rem;font-size:.85rem;color:#59636e}`;

export function layout(frame: PageFrame, title: string, body: Html): string {
  // The stylesheet and script are literal text of this module, not interpolated values.
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${frame.appName}</title>
<link rel="icon" href="${FAVICON}">
<style>${new Html(STYLE)}</style></head>
<body><header class="top"><div class="inner"><strong id="app-name">${frame.appName}</strong>
<span class="muted" id="vault-identity">· credential vault at ${frame.vaultHost}</span></div></header>
<main>${body}</main>
<footer>This page belongs to the credential vault of ${frame.appName}. It never shows your passwords or tokens.</footer>
<script>${new Html(LOCAL_TIME_SCRIPT)}</script></body></html>`.toString();
}

/** A time the reader sees in their own zone (the script), or in UTC, named, without script. */
export function time(iso: string | null | undefined): Html {
  if (!iso) return html``;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return html`${iso}`;
  const utc = `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return html`<time data-local datetime="${d.toISOString()}">${utc}</time>`;
}

export interface ResultExtras {
  /** What the person can do next, in plain words. */
  next?: string;
  /** Technical detail (a provider's error code) shown only under a disclosure. */
  details?: string | null;
  /** More markup after the message (a Continue button). */
  extra?: Html;
  /** The look of the message: good news, bad news, or neutral. */
  tone?: "good" | "bad" | "notice";
}

/** A page that ends a flow; `outcome` is a stable marker tests and scripts can read. */
export function resultPage(frame: PageFrame, outcome: string, title: string, message: string | Html, x: ResultExtras = {}): string {
  return layout(
    frame,
    title,
    html`<h1 id="title">${title}</h1>
<p id="message" class="${x.tone ?? "notice"}" data-outcome="${outcome}">${message}</p>
${x.next ? html`<p id="next">${x.next}</p>` : html``}${x.extra ?? html``}
${x.details ? html`<details id="details"><summary>Technical details</summary><p><code>${x.details}</code></p></details>` : html``}`,
  );
}

/** The frame of a page answering this request (structural: pages never see the request). */
export function pageFrame(ctx: { app: { name: string }; url: { host: string } }): PageFrame {
  return { appName: ctx.app.name, vaultHost: ctx.url.host };
}
