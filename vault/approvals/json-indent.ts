// Pretty-prints JSON text for a person without parsing it into values: every string and number
// keeps its exact characters, and repeated keys stay visible. (JSON.parse then stringify would
// show {"amount":5,"amount":500000} as one key and turn 12345678901234567890 into
// 12345678901234567000, so the approver would not see what the provider receives.)

/** The indented text, or undefined when `text` is not a JSON document. */
export function indentJson(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return reindent(text);
}

const PAD = "  ";

function reindent(text: string): string {
  let out = "";
  let depth = 0;
  let i = 0;
  const newline = () => "\n" + PAD.repeat(depth);
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      const next = nextSignificant(text, i + 1);
      if (text[next] === close) {
        out += c + close;
        i = next + 1;
      } else {
        depth++;
        out += c + newline();
        i++;
      }
    } else if (c === "}" || c === "]") {
      depth--;
      out += newline() + c;
      i++;
    } else if (c === ",") {
      out += "," + newline();
      i++;
    } else if (c === ":") {
      out += ": ";
      i++;
    } else {
      // A number or literal: copied up to the next delimiter, as written.
      let j = i;
      while (j < text.length && !",:{}[] \t\n\r".includes(text[j]!)) j++;
      out += text.slice(i, j);
      i = j;
    }
  }
  return out;
}

/** Index just after the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "\\") i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  return text.length;
}

function nextSignificant(text: string, from: number): number {
  let i = from;
  while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  return i;
}
