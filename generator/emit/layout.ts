// The layout printer every emitter prints through: a Wadler-style pretty printer with prettier's
// semantics (group / indent / align / line / softline / hardline / ifBreak / indentIfBreak), so
// generated files are exactly what prettier 3 prints without running prettier over megabytes of
// declarations. A `Layout` is what prettier calls a "doc": text plus where lines may break.
//
// The algorithm follows prettier's printDocToString: a group is printed flat when its content,
// followed by the rest of the line, fits in the remaining width; a hard line breaks every
// enclosing group; trailing spaces are trimmed before a newline.

export type Layout = string | Layout[] | LayoutCommand;

type LayoutCommand =
  | { type: "group"; contents: Layout; break: boolean; id?: symbol }
  | { type: "indent"; contents: Layout }
  | { type: "align"; n: number; contents: Layout }
  | { type: "line"; soft?: boolean; hard?: boolean }
  | { type: "break-parent" }
  | { type: "if-break"; breakContents: Layout; flatContents: Layout; groupId?: symbol }
  | { type: "indent-if-break"; contents: Layout; groupId: symbol }
  | LazyGroup;

/**
 * A group whose flat rendering is known up front (and has no hard breaks): printed as `flat` when
 * it fits, otherwise as `build()`. Saves building documents for the common one-line case.
 */
interface LazyGroup {
  type: "lazy";
  flat: string;
  build: () => Layout;
  built?: Layout;
}

export function lazyGroup(flat: string, build: () => Layout): Layout {
  return { type: "lazy", flat, build };
}

function expand(doc: LazyGroup): Layout {
  if (doc.built === undefined) {
    doc.built = doc.build();
    propagateBreaks(doc.built);
  }
  return doc.built;
}

export const line: Layout = { type: "line" };
export const softline: Layout = { type: "line", soft: true };
const hardlineNoBreak: Layout = { type: "line", hard: true };
const breakParent: Layout = { type: "break-parent" };
export const hardline: Layout = [hardlineNoBreak, breakParent];

export function group(contents: Layout, opts: { shouldBreak?: boolean; id?: symbol } = {}): Layout {
  const g: LayoutCommand = { type: "group", contents, break: opts.shouldBreak ?? false };
  if (opts.id) g.id = opts.id;
  return g;
}
export function indent(contents: Layout): Layout {
  return { type: "indent", contents };
}
export function align(n: number, contents: Layout): Layout {
  return { type: "align", n, contents };
}
export function ifBreak(breakContents: Layout, flatContents: Layout = "", opts: { groupId?: symbol } = {}): Layout {
  const d: LayoutCommand = { type: "if-break", breakContents, flatContents };
  if (opts.groupId) d.groupId = opts.groupId;
  return d;
}
export function indentIfBreak(contents: Layout, groupId: symbol): Layout {
  return { type: "indent-if-break", contents, groupId };
}
export function join(separator: Layout, docs: Layout[]): Layout[] {
  const out: Layout[] = [];
  docs.forEach((d, i) => {
    if (i > 0) out.push(separator);
    out.push(d);
  });
  return out;
}

/** Marks every group that contains a hard line as broken (prettier's propagateBreaks). */
function propagateBreaks(doc: Layout): boolean {
  if (typeof doc === "string") return false;
  if (Array.isArray(doc)) {
    let found = false;
    for (const d of doc) if (propagateBreaks(d)) found = true;
    return found;
  }
  switch (doc.type) {
    case "break-parent":
      return true;
    case "group": {
      const inner = propagateBreaks(doc.contents);
      if (inner) doc.break = true;
      return doc.break;
    }
    case "indent":
    case "align":
    case "indent-if-break":
      return propagateBreaks(doc.contents);
    case "if-break": {
      const a = propagateBreaks(doc.breakContents);
      const b = propagateBreaks(doc.flatContents);
      return a || b;
    }
    default:
      return false;
  }
}

const MODE_BREAK = 1;
const MODE_FLAT = 2;
type Mode = typeof MODE_BREAK | typeof MODE_FLAT;
/**
 * The printer's work list as three parallel arrays (indentation, mode, layout) rather than an
 * object per entry: printing GitHub's declarations pushes a few million entries.
 */
class Stack {
  readonly ind: string[] = [];
  readonly mode: Mode[] = [];
  readonly doc: Layout[] = [];
  get length(): number {
    return this.doc.length;
  }
  push(ind: string, mode: Mode, doc: Layout): void {
    this.ind.push(ind);
    this.mode.push(mode);
    this.doc.push(doc);
  }
}

// Wide (CJK, fullwidth) characters count 2 columns, combining marks 0, as prettier counts them.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;
const ZERO = /[\u0300-\u036f\u200b-\u200f\ufe00-\ufe0f]/u;
/** Any character above `~` (0x7e), where widths stop being one column per UTF-16 unit. */
const BEYOND_ASCII = /[^\x00-\x7e]/;

export function stringWidth(text: string): number {
  // One native scan rather than a loop over char codes: most text is printable ASCII.
  if (!BEYOND_ASCII.test(text)) return text.length;
  let width = 0;
  for (const ch of text) {
    if (ZERO.test(ch)) continue;
    width += WIDE.test(ch) ? 2 : 1;
  }
  return width;
}

/** Whether `doc` (flat) and then the rest of the work list up to the next line break fit in `width`. */
function fits(doc0: Layout, rest: Stack, width: number, groupModes: Map<symbol, Mode>, mustBeFlat: boolean): boolean {
  let restIdx = rest.length;
  const modes: Mode[] = [MODE_FLAT];
  const docs: Layout[] = [doc0];
  while (width >= 0) {
    if (docs.length === 0) {
      if (restIdx === 0) return true;
      restIdx--;
      modes.push(rest.mode[restIdx]!);
      docs.push(rest.doc[restIdx]!);
      continue;
    }
    const mode = modes.pop()!;
    const doc = docs.pop()!;
    if (typeof doc === "string") {
      width -= stringWidth(doc);
      continue;
    }
    if (Array.isArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) {
        modes.push(mode);
        docs.push(doc[i]!);
      }
      continue;
    }
    switch (doc.type) {
      case "indent":
      case "align":
      case "indent-if-break":
        modes.push(mode);
        docs.push(doc.contents);
        break;
      case "group": {
        if (mustBeFlat && doc.break) return false;
        modes.push(doc.break ? MODE_BREAK : mode);
        docs.push(doc.contents);
        break;
      }
      case "if-break": {
        const groupMode = doc.groupId ? (groupModes.get(doc.groupId) ?? MODE_FLAT) : mode;
        const contents = groupMode === MODE_BREAK ? doc.breakContents : doc.flatContents;
        if (contents) {
          modes.push(mode);
          docs.push(contents);
        }
        break;
      }
      case "line":
        if (mode === MODE_BREAK || doc.hard) return true;
        if (!doc.soft) width -= 1;
        break;
      case "break-parent":
        break;
      case "lazy":
        if (mode === MODE_FLAT) width -= stringWidth(doc.flat);
        else {
          modes.push(mode);
          docs.push(expand(doc));
        }
        break;
    }
  }
  return false;
}

function trimTrailing(out: string[]): void {
  while (out.length > 0) {
    const last = out[out.length - 1]!;
    const trimmed = last.replace(/[ \t]+$/, "");
    if (trimmed.length === 0) {
      out.pop();
      continue;
    }
    out[out.length - 1] = trimmed;
    return;
  }
}

/** Prints `doc` within `width` columns (prettier's printWidth), two-space indentation. */
export function printLayout(doc: Layout, width = 80): string {
  propagateBreaks(doc);
  const groupModes = new Map<symbol, Mode>();
  const out: string[] = [];
  let pos = 0;
  let shouldRemeasure = false;
  const cmds = new Stack();
  cmds.push("", MODE_BREAK, doc);
  while (cmds.length > 0) {
    const ind = cmds.ind.pop()!;
    const mode = cmds.mode.pop()!;
    const doc = cmds.doc.pop()!;
    if (typeof doc === "string") {
      out.push(doc);
      pos += stringWidth(doc);
      continue;
    }
    if (Array.isArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) cmds.push(ind, mode, doc[i]!);
      continue;
    }
    switch (doc.type) {
      case "indent":
        cmds.push(ind + "  ", mode, doc.contents);
        break;
      case "align":
        cmds.push(ind + " ".repeat(doc.n), mode, doc.contents);
        break;
      case "group": {
        let chosen: Mode;
        if (mode === MODE_FLAT && !shouldRemeasure) {
          chosen = doc.break ? MODE_BREAK : MODE_FLAT;
        } else {
          shouldRemeasure = false;
          chosen = !doc.break && fits(doc.contents, cmds, width - pos, groupModes, false) ? MODE_FLAT : MODE_BREAK;
        }
        cmds.push(ind, chosen, doc.contents);
        if (doc.id) groupModes.set(doc.id, chosen);
        break;
      }
      case "if-break":
      case "indent-if-break": {
        const groupMode = doc.groupId ? groupModes.get(doc.groupId) : mode;
        if (doc.type === "if-break") {
          const contents = groupMode === MODE_BREAK ? doc.breakContents : doc.flatContents;
          if (contents) cmds.push(ind, mode, contents);
        } else {
          cmds.push(groupMode === MODE_BREAK ? ind + "  " : ind, mode, doc.contents);
        }
        break;
      }
      case "line":
        if (mode === MODE_FLAT && !doc.hard) {
          if (!doc.soft) {
            out.push(" ");
            pos += 1;
          }
          break;
        }
        if (mode === MODE_FLAT) shouldRemeasure = true;
        trimTrailing(out);
        out.push("\n" + ind);
        pos = ind.length;
        break;
      case "break-parent":
        break;
      case "lazy": {
        const flatMode = mode === MODE_FLAT && !shouldRemeasure;
        if (!flatMode) shouldRemeasure = false;
        if (flatMode || fits(doc.flat, cmds, width - pos, groupModes, false)) {
          out.push(doc.flat);
          pos += stringWidth(doc.flat);
        } else {
          cmds.push(ind, MODE_BREAK, expand(doc));
        }
        break;
      }
    }
  }
  return out.join("");
}
