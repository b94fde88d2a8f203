// HTML in OpenAPI prose as markdown, which editors render in hovers (Stripe writes
// `<p>…<a href="/docs/x">…</a></p>`, Zoom `<br>` between lines). Only the tags API documents use
// are read; anything else in angle brackets (`Array<string>`, `<branch name>`) is text and stays.
// Text without a known tag is returned as it is.

const TAG = /<(\/?)(p|br|a|code|pre|b|strong|i|em|ul|ol|li|h[1-6]|aside|div|span|blockquote|hr|small|u|sup|sub|s|del|img|table|thead|tbody|tr|td|th)\b([^<>]*)>/gi;

interface State {
  out: string;
  /** Open lists, innermost last: whether ordered, and the last item number. */
  lists: { ordered: boolean; n: number }[];
  /** Open links: where their text starts in `out`, and the target. */
  links: { start: number; href: string | undefined }[];
  pre: boolean;
}

export function htmlToMarkdown(text: string): string {
  if (!text.includes("<")) return text;
  TAG.lastIndex = 0;
  if (!TAG.test(text)) return text;
  TAG.lastIndex = 0;
  const s: State = { out: "", lists: [], links: [], pre: false };
  const code = codeSpans(text);
  let last = 0;
  for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
    // A tag written inside a markdown code span (`<p>`) is what the text is about: kept.
    if (code.some(([from, to]) => m.index >= from && m.index < to)) continue;
    s.out += s.pre ? decodeEntities(text.slice(last, m.index)) : text.slice(last, m.index).replace(/[ \t]*\n[ \t]*/g, "\n");
    last = m.index + m[0].length;
    tag(s, m[2]!.toLowerCase(), m[1] === "/", m[3] ?? "");
  }
  s.out += text.slice(last);
  return s.out
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** [start, end) of each markdown code span and fenced block. */
function codeSpans(text: string): [number, number][] {
  if (!text.includes("`")) return [];
  const spans: [number, number][] = [];
  for (const m of text.matchAll(/```[\s\S]*?```|`[^`\n]+`/g)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

function tag(s: State, name: string, closing: boolean, attrs: string): void {
  switch (name) {
    case "p":
    case "div":
    case "aside":
    case "blockquote":
    case "table":
      return paragraph(s);
    case "br":
      // In a markdown table row a line break must stay `<br>` (GFM renders it there).
      if (s.out.slice(s.out.lastIndexOf("\n") + 1).startsWith("|")) s.out += "<br>";
      else s.out += s.pre ? "\n" : s.lists.length ? " " : "\n\n";
      return;
    case "hr":
      paragraph(s);
      s.out += "---";
      return paragraph(s);
    case "a":
      return link(s, closing, attrs);
    case "code":
      if (!s.pre) s.out += "`";
      return;
    case "pre":
      s.pre = !closing;
      if (closing) {
        s.out = `${s.out.replace(/\s+$/, "")}\n\`\`\``;
        return paragraph(s);
      }
      paragraph(s);
      s.out += "```\n";
      return;
    case "b":
    case "strong":
      s.out += "**";
      return;
    case "i":
    case "em":
      s.out += "_";
      return;
    case "ul":
    case "ol":
      return list(s, name === "ol", closing);
    case "li":
      if (closing) return;
      return item(s);
    case "tr":
      s.out += closing ? "" : "\n";
      return;
    case "td":
    case "th":
      s.out += closing ? " " : "";
      return;
    case "img": {
      const src = attribute(attrs, "src");
      if (src) s.out += `![${attribute(attrs, "alt") ?? ""}](${destination(src)})`;
      return;
    }
    default:
      if (/^h[1-6]$/.test(name)) {
        paragraph(s);
        if (!closing) s.out += `${"#".repeat(Number(name[1]))} `;
      }
      // span, small, u, sup, sub, s, del, thead, tbody: the text is kept, the tag is not.
      return;
  }
}

/** Ends the current block with one blank line (nothing at the very start). */
function paragraph(s: State): void {
  s.out = s.out.replace(/[ \t\n]+$/, "");
  if (s.out !== "") s.out += "\n\n";
}

function link(s: State, closing: boolean, attrs: string): void {
  if (!closing) {
    s.links.push({ start: s.out.length, href: attribute(attrs, "href") });
    return;
  }
  const open = s.links.pop();
  if (!open) return;
  const inner = s.out.slice(open.start).trim();
  if (open.href === undefined || open.href === "") return;
  s.out = `${s.out.slice(0, open.start)}[${inner || open.href}](${destination(open.href)})`;
}

function list(s: State, ordered: boolean, closing: boolean): void {
  if (closing) {
    s.lists.pop();
    if (s.lists.length === 0) paragraph(s);
    return;
  }
  if (s.lists.length === 0) paragraph(s);
  s.lists.push({ ordered, n: 0 });
}

function item(s: State): void {
  const current = s.lists[s.lists.length - 1];
  s.out = s.out.replace(/[ \t]+$/, "");
  if (s.out !== "" && !s.out.endsWith("\n")) s.out += "\n";
  const indent = "  ".repeat(Math.max(0, s.lists.length - 1));
  if (!current) s.out += "- ";
  else s.out += current.ordered ? `${indent}${++current.n}. ` : `${indent}- `;
}

function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i").exec(attrs);
  if (!m) return undefined;
  return (m[1] ?? m[2] ?? m[3] ?? "").replace(/&amp;/g, "&").trim();
}

/** A link destination markdown reads whole: `<…>` when it has spaces or parentheses. */
function destination(href: string): string {
  return /[\s()]/.test(href) ? `<${href.replace(/>/g, "%3E")}>` : href;
}

/** Inside a fenced block entities are not read, so the ones HTML needed there are decoded. */
function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e]!);
}
