// names.lock.json as text (model/names-lock.ts has the format): keys sorted, one operation per
// line where it fits, laid out the way prettier prints JSON, so the file's diffs read well and a
// repository's prettier check leaves it alone.
import type { NamesLock } from "../model/names-lock.js";
import { group, hardline, indent, join, line, printLayout, softline, type Layout } from "./layout.js";

const str = (value: string): string => JSON.stringify(value);

/** An object prettier keeps expanded (a line break after `{`). */
function object(entries: [key: string, value: Layout][]): Layout {
  if (!entries.length) return "{}";
  return ["{", indent([hardline, join([",", hardline], entries.map(([k, v]) => [str(k), ": ", v]))]), hardline, "}"];
}

/** An array on one line when it fits, else one item a line. */
function array(items: string[]): Layout {
  return group(["[", indent([softline, join([",", line], items.map(str))]), softline, "]"]);
}

const sorted = <T>(record: Record<string, T>): [string, T][] => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function printNamesLock(lock: NamesLock): string {
  const doc = object([
    ["lockfileVersion", String(lock.lockfileVersion)],
    ["document", str(lock.document)],
    ["operations", object(sorted(lock.operations).map(([key, value]) => [key, array(value)]))],
    ["aliases", object(sorted(lock.aliases).map(([name, a]) => [name, object([["operation", str(a.operation)], ["renamedOn", str(a.renamedOn)], ["until", str(a.until)]])]))],
  ]);
  return printLayout([doc, hardline]);
}
