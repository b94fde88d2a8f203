// Operation ids as the generator assigns them: the document's operationId, or for an operation
// without one a stable name from its method and path (`GET /pets/{id}` → `getPetsById`). The
// vault reads the same rule to check the operation a call names (vault/grants/operations.ts).

/** Splits on anything that is not an ASCII letter or digit; `postMessage` stays one word. */
export function words(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter(Boolean);
}

function lowerFirstWord(word: string): string {
  // `URL` -> `url`, `URLs` -> `urls`, `GetThing` -> `getThing`.
  if (/^[A-Z0-9]+s?$/.test(word)) return word.toLowerCase();
  const lead = /^[A-Z]+(?=[A-Z][a-z])/.exec(word);
  if (lead) return lead[0].toLowerCase() + word.slice(lead[0].length);
  return word.charAt(0).toLowerCase() + word.slice(1);
}

export function upperFirst(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `list-for-org` -> `listForOrg`, `postMessage` -> `postMessage`, `GetCustomers` -> `getCustomers`. */
export function camelCase(text: string): string {
  const parts = words(text);
  if (!parts.length) return "";
  const out = lowerFirstWord(parts[0]!) + parts.slice(1).map(upperFirst).join("");
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/** A stable name for an operation without operationId: `GET /pets/{petId}` -> `getPetsByPetId`. */
export function fallbackOperationName(method: string, path: string): string {
  const segs = path.split("/").filter(Boolean);
  const parts = segs.map((s) => {
    const m = /^\{(.+)\}$/.exec(s);
    return m ? `by-${m[1]}` : s;
  });
  return camelCase([method.toLowerCase(), ...parts].join("-")) || method.toLowerCase();
}
