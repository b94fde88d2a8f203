// The frame of the vault's few browser pages: plain HTML, inline style, no script.
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}a.button{display:inline-block;padding:.5rem 1rem;margin:.25rem 0;border:1px solid #888;border-radius:6px;text-decoration:none;color:inherit}
.muted{color:#666}</style></head>
<body>${body}</body></html>`;
}

/** A page that ends a flow; `outcome` is a stable marker tests and scripts can read. */
export function resultPage(outcome: string, title: string, message: string, extra = ""): string {
  return layout(
    title,
    `<h1 id="title">${escapeHtml(title)}</h1>
<p id="message" data-outcome="${escapeHtml(outcome)}">${escapeHtml(message)}</p>${extra}`,
  );
}
