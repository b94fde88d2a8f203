// Prints plain data (objects, arrays, strings, numbers, booleans) as JavaScript in prettier's
// style. Objects are always expanded (prettier keeps an object expanded when its first key
// starts a new line), so only arrays need the fits-in-80-columns decision.
import { stringWidth } from "./layout.js";
import { numberLiteral, propertyKey, stringLiteral } from "./types/literals.js";

export type Data = string | number | boolean | null | undefined | readonly Data[] | { readonly [key: string]: Data };

const WIDTH = 80;

function flat(value: Data): string | undefined {
  if (value === null) return "null";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "number") return numberLiteral(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    let out = "";
    for (let i = 0; i < value.length; i++) {
      const part = flat(value[i]);
      if (part === undefined) return undefined; // an object inside: the array is printed expanded
      out += i === 0 ? part : `, ${part}`;
    }
    return `[${out}]`;
  }
  if (typeof value === "object" && value !== null) {
    for (const k in value) if ((value as Record<string, Data>)[k] !== undefined) return undefined;
    return "{}";
  }
  return undefined;
}

/**
 * A property key as prettier prints it in a .js file: an identifier bare, a simple number
 * unquoted ("0" → 0, "1.5" → 1.5, not "01"), anything else quoted.
 */
function dataKey(k: string, language: Language): string {
  return language === "js" && /^(?:\d+|\d+\.\d+)$/.test(k) && String(Number(k)) === k ? k : propertyKey(k);
}

/**
 * Printed keys and their widths by language: a tools table repeats the same few keys (type,
 * description, properties) hundreds of thousands of times.
 */
const printedKeys = { js: new Map<string, PrintedKey>(), ts: new Map<string, PrintedKey>() };
interface PrintedKey {
  key: string;
  width: number;
}

function printedKey(k: string, language: Language): PrintedKey {
  const known = printedKeys[language].get(k);
  if (known) return known;
  const key = dataKey(k, language);
  const made = { key, width: stringWidth(key) };
  printedKeys[language].set(k, made);
  return made;
}

/** prettier's typescript parser keeps numeric keys quoted; its babel parser (.js) unquotes them. */
export type Language = "js" | "ts";

/**
 * prettier's assignment layout for `key: value,` at `column`: a value that cannot break (a string,
 * an identifier) and does not fit moves to its own line after the colon, unless the key is shorter
 * than tabWidth + 3 (too little overlap to be worth it).
 */
export function valueOnOwnLine(column: number, key: string, value: string): boolean {
  const keyWidth = stringWidth(key);
  return keyWidth >= 5 && column + keyWidth + 2 + stringWidth(value) + 1 > WIDTH;
}

/**
 * `value` printed at `indent` (spaces) where the current line already holds `prefixWidth` characters; `suffix` follows it.
 * Built by appending, not by joining lines at every level: a join copies the whole subtree's text
 * once per level above it (tools.js: 3.7 MB, ~28 MB of copies), an append links the pieces.
 */
export function printData(value: Data, indent: number, prefixWidth: number, suffix: string, language: Language = "js"): string {
  const oneLine = flat(value);
  if (oneLine !== undefined && (!Array.isArray(value) || prefixWidth + oneLine.length + suffix.length <= WIDTH)) return oneLine;
  const pad = " ".repeat(indent + 2);
  if (Array.isArray(value)) {
    // An empty array gets here only when even `[]` passes 80 columns; it prints as it always has.
    let out = value.length ? "[\n" : "[\n\n";
    for (const v of value) out += `${pad}${printData(v, indent + 2, indent + 2, ",", language)},\n`;
    return `${out}${" ".repeat(indent)}]`;
  }
  const object = value as Record<string, Data>;
  let out = "{\n";
  for (const k in object) {
    const v = object[k];
    if (v === undefined) continue;
    const { key, width: keyWidth } = printedKey(k, language);
    const printed = printData(v, indent + 2, indent + 2 + keyWidth + 2, ",", language);
    // prettier's assignment layout (valueOnOwnLine, with the key's width known); an array or
    // object moves too when its opening `key: [` alone passes 80 columns (Bitbucket's operation
    // ids as keys of provider.js's security table).
    const stringOver = typeof v === "string" && keyWidth >= 5 && indent + 2 + keyWidth + 2 + stringWidth(printed) + 1 > WIDTH;
    const openerOver = keyWidth >= 5 && indent + 2 + keyWidth + 3 > WIDTH && printed.includes("\n");
    if (openerOver) out += `${pad}${key}:\n${pad}  ${printData(v, indent + 4, indent + 4, ",", language)},\n`;
    else out += stringOver ? `${pad}${key}:\n${pad}  ${printed},\n` : `${pad}${key}: ${printed},\n`;
  }
  return `${out}${" ".repeat(indent)}}`;
}

/** `export const name = value;` */
export function exportConst(name: string, value: Data, typeComment?: string, language: Language = "js"): string {
  const prefix = `export const ${name} = `;
  const comment = typeComment ? `/** @type {${typeComment}} */\n` : "";
  const printed = printData(value, 0, prefix.length, ";", language);
  // Prettier's "fluid" assignment layout: when `export const Name = {` (up to the object's first
  // line break) does not fit in 80 columns, it breaks after `=` and indents the object
  // (Microsoft Graph's long enum names, e.g. …FilterByCurrentUserOptions). The width is tested
  // first: reading the text would join the appended pieces of a large table into one copy.
  if (prefix.length + 1 > WIDTH && printed.startsWith("{\n")) {
    return `${comment}export const ${name} =\n  ${printData(value, 2, 2, ";", language)};\n`;
  }
  return `${comment}${prefix}${printed};\n`;
}
