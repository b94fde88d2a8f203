// The one place where the vault's pages escape text. Pages are built with the `html` tag: every
// interpolated value is escaped unless it is already Html (built by this tag), so a value is
// escaped exactly once, where it enters the markup, and never by hand.
//
//   html`<p>${userText}</p>`              userText is escaped
//   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`   lists of Html are joined
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Markup that is safe to insert as is (made only by `html`). */
export class Html {
  readonly #markup: string;
  /** @internal use the html tag */
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.toString();
  if (Array.isArray(v)) return v.map(render).join("");
  return String(v).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}
