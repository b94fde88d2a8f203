// JSDoc text from OpenAPI prose: trailing spaces trimmed (prettier trims them), `*/` defused,
// blank runs collapsed, so the comment is stable under prettier and cannot end early.

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
