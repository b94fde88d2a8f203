// A paginated series of N pages in the provider's own style, built on the operation's response
// schema: the items array gets `perPage` distinct items, and the cursor fields, Link header or
// offsets say where the next page is, the way the real provider says it.
import type { PaginationStyle } from "../runtime/operation.js";
import { sampleOf, uniqueValue } from "./sample.js";
import { deref, isObject, type Json, type JsonObject } from "./schema.js";

export interface SeriesOptions {
  pages: number;
  /** Default 2. */
  perPage?: number;
  /** Dot path of the items array in the page body; found from the schema when omitted. */
  items?: string;
  /**
   * next-url style: whether the next URL is written whole or as a path and query on the same
   * origin. Default: relative when the field's name ends in `uri` (Twilio's `next_page_uri`),
   * whole otherwise (Graph's `@odata.nextLink`, Bitbucket's `next`).
   */
  nextUrl?: "absolute" | "relative";
}

/**
 * The query parameter a next-url series writes its page number into: one the operation declares
 * (the stand-in refuses any other), in the order providers use them.
 */
const NEXT_URL_PARAMS = ["PageToken", "page_token", "$skiptoken", "page", "$skip", "cursor", "after", "offset"];

export interface PageRequest {
  method: string;
  /** Full URL of the request on the stand-in. */
  url: URL;
  /** Parsed JSON body, for cursors sent in the body (Notion's POST queries). */
  body: unknown;
}

export class PageError extends Error {}

const PREFERRED = ["data", "items", "results", "values", "issues", "channels", "members", "users", "meetings", "messages"];

function setPath(target: JsonObject, path: string, value: Json): void {
  // A key holding dots (Graph's `@odata.nextLink`) is one key, as the runtime reads it.
  const keys = path.startsWith("@") ? [path] : path.split(".");
  let node = target;
  keys.slice(0, -1).forEach((k) => {
    if (!isObject(node[k])) node[k] = {};
    node = node[k] as JsonObject;
  });
  node[keys[keys.length - 1]!] = value;
}

function deletePath(target: JsonObject, path: string): void {
  const keys = path.startsWith("@") ? [path] : path.split(".");
  let node: Json | undefined = target;
  for (const k of keys.slice(0, -1)) node = isObject(node) ? node[k] : undefined;
  if (isObject(node)) delete node[keys[keys.length - 1]!];
}

/** Shallow view of an object schema's properties, through $refs and allOf. */
function propertiesOf(doc: Json, schema: Json | undefined, depth = 0): JsonObject {
  const s = deref(doc, schema);
  if (!isObject(s) || depth > 5) return {};
  const out: JsonObject = {};
  if (Array.isArray(s.allOf)) for (const part of s.allOf) Object.assign(out, propertiesOf(doc, part, depth + 1));
  // The branch sampleOf picks: the first that is not null.
  for (const key of ["oneOf", "anyOf"] as const) {
    const options = s[key];
    if (Array.isArray(options)) {
      const pick = options.find((o) => !(isObject(o) && o.type === "null"));
      if (pick !== undefined) Object.assign(out, propertiesOf(doc, pick, depth + 1));
    }
  }
  if (isObject(s.properties)) Object.assign(out, s.properties);
  return out;
}

function schemaAt(doc: Json, schema: Json | undefined, path: string): Json | undefined {
  let node: Json | undefined = schema;
  for (const key of path.split(".")) node = propertiesOf(doc, node)[key];
  return deref(doc, node);
}

export class PageSeries {
  readonly perPage: number;
  private readonly itemsPath: string | undefined;
  private readonly itemSchema: Json | undefined;
  private readonly idSchema: Json | undefined;
  private readonly nextParam: string | undefined;

  constructor(
    private readonly doc: Json,
    private readonly style: PaginationStyle,
    private readonly responseSchema: Json | undefined,
    readonly options: SeriesOptions,
    /** The operation's query parameter names (for the next-url style's page parameter). */
    queryParams: readonly string[] = [],
  ) {
    this.nextParam = NEXT_URL_PARAMS.find((p) => queryParams.includes(p));
    if (style.style === "next-url" && !this.nextParam) throw new PageError(`the operation has none of the query parameters a next URL can carry (${NEXT_URL_PARAMS.join(", ")})`);
    if (!(options.pages >= 1)) throw new PageError("a paginated series needs at least one page");
    this.perPage = options.perPage ?? 2;
    const root = deref(doc, responseSchema);
    if (isObject(root) && root.type === "array") {
      this.itemsPath = undefined;
      this.itemSchema = root.items;
    } else {
      const props = propertiesOf(doc, responseSchema);
      const arrays = Object.keys(props).filter((k) => {
        const p = deref(doc, props[k]);
        return isObject(p) && (p.type === "array" || isObject(p.items));
      });
      const path = options.items ?? PREFERRED.find((k) => arrays.includes(k)) ?? arrays[0];
      if (!path) throw new PageError("cannot find the items array of this response; pass `items`");
      this.itemsPath = path;
      const arr = schemaAt(doc, responseSchema, path);
      this.itemSchema = isObject(arr) ? arr.items : undefined;
    }
    this.idSchema = propertiesOf(doc, this.itemSchema).id;
  }

  /** Id of the n-th item of the whole series (0-based). */
  idOf(n: number): Json {
    return uniqueValue(this.doc, this.idSchema, n);
  }

  private item(n: number): Json {
    const s = sampleOf(this.doc, this.itemSchema);
    if (isObject(s)) return { ...s, id: this.idOf(n) };
    return typeof s === "number" ? n : `item-${n}`;
  }

  /** Which page (1-based) a request asks for, from the style's cursor. */
  private pageOf(req: PageRequest): number {
    const q = req.url.searchParams;
    const s = this.style;
    switch (s.style) {
      case "link-header":
        return Number(q.get("page") ?? "1");
      case "cursor": {
        const fromBody = isObject(req.body as Json) ? (req.body as JsonObject)[s.param] : undefined;
        const cursor = q.get(s.param) ?? (typeof fromBody === "string" ? fromBody : undefined);
        if (!cursor) return 1;
        const m = /^page-(\d+)$/.exec(cursor);
        if (!m) throw new PageError(`unknown cursor ${JSON.stringify(cursor)} in ${s.param}`);
        return Number(m[1]);
      }
      case "item-cursor": {
        const after = q.get(s.param);
        if (!after) return 1;
        for (let n = 0; n < this.options.pages * this.perPage; n++) {
          if (String(this.idOf(n)) === after) {
            if ((n + 1) % this.perPage !== 0) throw new PageError(`${s.param}=${after} is not the last item of a page`);
            return (n + 1) / this.perPage + 1;
          }
        }
        throw new PageError(`${s.param}=${after} is no item of this series`);
      }
      case "offset": {
        const start = Number(q.get(s.param) ?? "0");
        if (!Number.isInteger(start) || start % this.perPage !== 0) throw new PageError(`${s.param}=${start} is not a page boundary`);
        return start / this.perPage + 1;
      }
      case "next-url":
        return this.numberIn(q.get(this.nextParam!), this.nextParam!, 1);
      case "page":
        return this.numberIn(q.get(s.param), s.param, s.start ?? 1);
    }
  }

  /** The 1-based page of a page-number parameter counted from `start`. */
  private numberIn(raw: string | null, param: string, start: number): number {
    if (raw === null) return 1;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new PageError(`${param}=${raw} is not a page number`);
    return n - start + 1;
  }

  /** The page body (built on `base`, a valid response) and headers for a request. */
  page(req: PageRequest, base: Json): { body: Json; headers: Record<string, string>; page: number } {
    const page = this.pageOf(req);
    // The page style's client stops on an empty page (Xero and Mux say no total): the page after
    // the last one is served, empty.
    const emptyAfter = this.style.style === "page" && !this.style.totalPages && page === this.options.pages + 1;
    if (!(page >= 1 && page <= this.options.pages) && !emptyAfter) throw new PageError(`page ${page} is outside the series of ${this.options.pages}`);
    const first = (page - 1) * this.perPage;
    const items = emptyAfter ? [] : Array.from({ length: this.perPage }, (_, i) => this.item(first + i));
    const last = page === this.options.pages;
    const headers: Record<string, string> = {};
    let body: Json;
    if (this.itemsPath === undefined) body = items;
    else {
      body = isObject(base) ? structuredClone(base) : {};
      setPath(body, this.itemsPath, items);
    }
    const s = this.style;
    switch (s.style) {
      case "link-header": {
        const links: string[] = [];
        const at = (p: number) => {
          const u = new URL(req.url);
          u.searchParams.set("page", String(p));
          return u.toString();
        };
        if (!last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(this.options.pages)}>; rel="last"`);
        if (page > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`);
        if (links.length) headers.link = links.join(", ");
        break;
      }
      case "cursor": {
        const obj = body as JsonObject;
        const keys = s.next.split(".");
        if (!last) setPath(obj, s.next, `page-${page + 1}`);
        // The end looks the way each provider writes it: Asana `next_page: null`, Slack
        // `next_cursor: ""`, Notion `next_cursor: null`, Google no nextPageToken.
        else if (keys.length > 1 && keys[0]!.startsWith("next")) obj[keys[0]!] = null;
        else if (keys.length > 1) setPath(obj, s.next, "");
        else if (s.hasMore) obj[s.next] = null;
        else delete obj[s.next];
        if (s.hasMore) setPath(obj, s.hasMore, !last);
        break;
      }
      case "item-cursor":
        setPath(body as JsonObject, s.hasMore, !last);
        break;
      case "offset": {
        const obj = body as JsonObject;
        setPath(obj, s.total, this.options.pages * this.perPage);
        obj[s.param] = first;
        if (s.limitParam) obj[s.limitParam] = this.perPage;
        break;
      }
      case "next-url": {
        // The last page has no next URL (Graph and Bitbucket leave it out).
        if (last) deletePath(body as JsonObject, s.next);
        else {
          const u = new URL(req.url);
          u.searchParams.set(this.nextParam!, String(page + 1));
          const relative = (this.options.nextUrl ?? (/uri$/i.test(s.next) ? "relative" : "absolute")) === "relative";
          setPath(body as JsonObject, s.next, relative ? u.pathname + u.search : u.toString());
        }
        break;
      }
      case "page":
        if (s.totalPages) setPath(body as JsonObject, s.totalPages, this.options.pages);
        break;
    }
    return { body, headers, page };
  }
}
