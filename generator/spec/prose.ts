// The document's prose as a reader sees it in a hover: HTML turned into markdown
// (html-markdown.ts) and relative links made absolute against the provider's documentation
// site. Stripe writes `[balance](/docs/billing/customer/balance)`, which means
// https://stripe.com/docs/billing/customer/balance and is a dead link anywhere else. Done once
// here, so every surface that shows a description (JSDoc, tool descriptions) gets the same text.
import { htmlToMarkdown } from "./html-markdown.js";
import { childPosition, elementPosition, type Json, type Position } from "./ref-positions.js";

/** Fields holding prose, in OpenAPI objects and in schemas alike. */
const PROSE = new Set(["description", "summary"]);
/** The extension that describes each enum value (model/normalize-schema.ts reads it). */
const ENUM_DESCRIPTIONS = "x-enum-descriptions";

/**
 * What relative links are written against: the catalog's `docsLinkBase` (Stripe
 * `https://stripe.com`, Zoom `https://marketplace.zoom.us/docs`), else the origin of the
 * document's own `externalDocs` URL (GitHub's is docs.github.com, Slack's api.slack.com), else
 * none, and relative links are left as written rather than guessed.
 */
export function docsLinkBaseOf(doc: Json, configured?: string): string | undefined {
  if (configured) return configured;
  const url = doc.externalDocs?.url;
  if (typeof url !== "string") return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Rewrites every description and summary of `doc` in place; examples and extensions are data. */
export function rewriteProse(doc: Json, base: string | undefined): void {
  const visit = (value: unknown, at: Position): void => {
    if (Array.isArray(value)) {
      const element = elementPosition(at);
      for (const v of value) if (v !== null && typeof v === "object") visit(v, element);
      return;
    }
    const obj = value as Json;
    const named = at === "names" || at === "schemas";
    for (const key in obj) {
      const v = obj[key];
      if (typeof v === "string") {
        if (named) continue;
        if (PROSE.has(key)) obj[key] = prose(v, base);
        continue;
      }
      if (v === null || typeof v !== "object") continue;
      if (key === ENUM_DESCRIPTIONS && at === "schema" && Array.isArray(v)) {
        obj[key] = v.map((d: unknown) => (typeof d === "string" ? prose(d, base) : d));
        continue;
      }
      // An operation's (or tag's) documentation link, shown as a link in the hover.
      if (key === "externalDocs" && !named && base && typeof v.url === "string") v.url = absolute(v.url, base);
      const child = childPosition(at, key);
      if (child !== undefined) visit(v, child);
    }
  };
  visit(doc, "node");
}

/** One description as markdown with absolute links. */
export function prose(text: string, base: string | undefined): string {
  const markdown = htmlToMarkdown(text);
  if (!base || !markdown.includes("](")) return markdown;
  // `[text](destination` : the destination up to the first space or `)`, or `<…>` whole.
  return markdown.replace(/\]\((<[^>\n]*>|[^)\s]+)/g, (match, dest: string) => {
    const angled = dest.startsWith("<");
    const inner = angled ? dest.slice(1, -1) : dest;
    const resolved = absolute(inner, base);
    return resolved === inner ? match : `](${angled ? `<${resolved}>` : resolved}`;
  });
}

/**
 * `dest` against `base` when it is relative, as it is otherwise. Root-relative links are
 * appended to the base (Zoom's `/api-reference/…` lives under `/docs` of its site), not
 * resolved as URLs, so a base with a path works.
 */
function absolute(dest: string, base: string): string {
  if (dest === "" || dest.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(dest)) return dest;
  if (dest.startsWith("//")) return `https:${dest}`;
  return dest.startsWith("/") ? `${base}${dest}` : `${base}/${dest}`;
}
