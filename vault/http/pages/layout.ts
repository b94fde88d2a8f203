// The frame of the vault's few browser pages: plain HTML, inline style, no script. Text enters
// the markup only through the `html` tag (./html.ts), which escapes it.
import { html, type Html } from "./html.js";

export function layout(title: string, body: Html): string {
  // The stylesheet is part of the template's literal text, not an interpolated value.
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}h2{font-size:1.05rem;margin:1.5rem 0 .4rem}
a.button,button{display:inline-block;font:inherit;padding:.5rem 1rem;margin:.25rem .5rem .25rem 0;border:1px solid #888;border-radius:6px;background:#fff;color:inherit;text-decoration:none;cursor:pointer}
button.primary{background:#1a7f37;border-color:#1a7f37;color:#fff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{color:#666}dd{margin:0;word-break:break-all}
pre{background:#f6f8fa;border:1px solid #ddd;border-radius:6px;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-all;max-height:40rem}
.muted{color:#666}.stated{color:#8a4b00}.status{font-weight:600}.warning{border-left:4px solid #d4a72c;padding-left:.6rem}</style></head>
<body>${body}</body></html>`.toString();
}

/** A page that ends a flow; `outcome` is a stable marker tests and scripts can read. */
export function resultPage(outcome: string, title: string, message: string, extra: Html = html``): string {
  return layout(title, html`<h1 id="title">${title}</h1>
<p id="message" data-outcome="${outcome}">${message}</p>${extra}`);
}
