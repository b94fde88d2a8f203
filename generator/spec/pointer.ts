// JSON pointers (RFC 6901) as `$ref` fragments write them: `/paths/~1pets/get`, percent-encoded
// where the URI needs it.

export function decodePointer(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return pointer === "/" ? [""] : [];
  return pointer
    .replace(/^\//, "")
    .split("/")
    .map((s) => decodeSegment(s));
}

function decodeSegment(segment: string): string {
  let decoded = segment;
  if (segment.includes("%")) {
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // A lone `%` is not an escape: the segment is taken as written.
    }
  }
  return decoded.replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * The value at `pointer` in `doc`, or undefined. A pointer that runs into a local `$ref` before
 * its end continues at the ref's target: bundlers (json-schema-ref-parser, which APIs.guru's
 * documents went through) write pointers that pass through another reference.
 */
export function getPointer(doc: unknown, pointer: string): unknown {
  let cur: any = doc;
  let hops = 0;
  for (const seg of decodePointer(pointer)) {
    while (cur !== null && typeof cur === "object" && !has(cur, seg) && typeof cur.$ref === "string" && cur.$ref.startsWith("#") && hops++ < 32) {
      cur = getPointer(doc, cur.$ref.slice(1));
    }
    if (cur === null || typeof cur !== "object" || !has(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function has(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}
