// JSDoc text from OpenAPI prose: trailing spaces trimmed (prettier trims them), `*/` defused,
// blank runs collapsed, so the comment is stable under prettier and cannot end early. The prose
// arrives as markdown with absolute links (spec/prose.ts turned the document's HTML into it).

export function docLines(text: string | undefined): string[] {
  if (!text) return [];
  const lines = text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(/\*\//g, "*\\/").replace(/\s+$/, ""));
  const out: string[] = [];
  for (const l of lines) {
    if (l === "" && (out.length === 0 || out[out.length - 1] === "")) continue;
    out.push(l);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  return out;
}

/** Joins paragraphs (each a list of lines) with one blank line. */
export function paragraphs(...parts: string[][]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    if (!p.length) continue;
    if (out.length) out.push("");
    out.push(...p);
  }
  return out;
}

/**
 * A schema title worth showing when there is no description: not one that is an identifier
 * (`account_settings`, `Repository`), which says no more than the type's own name.
 */
export function documentationTitle(title: string | undefined): string | undefined {
  if (title === undefined || /^[A-Za-z_$][\w$.-]*$/.test(title.trim())) return undefined;
  return title;
}
