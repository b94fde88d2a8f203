// Pagination: pure step functions that, given a page, say how to ask for the next one; and the
// async iterators that drive them. One step function per catalog style.
import type { OperationSpec, PaginationStyle } from "../operation.js";
import { resolveParams } from "./url.js";
import { AlterSDKError } from "../errors.js";

/** What changes between one page's request and the next one's. */
export interface PageCursor {
  /** Wire-name query parameters that replace the caller's. */
  query?: Record<string, string>;
  /** Top-level body properties that replace the caller's (Notion's POST queries). */
  body?: Record<string, unknown>;
  /** A full next URL (link-header style). */
  url?: string;
}

export interface PageSeen {
  /** The URL that was requested for this page. */
  url: string;
  data: unknown;
  headers: Readonly<Record<string, string>>;
  /** The cursor that produced this page (undefined for the first). */
  cursor: PageCursor | undefined;
  /** The caller's params, for the offset style's start value. */
  params: Record<string, unknown>;
}

/**
 * Reads a dot path (`response_metadata.next_cursor`); an empty path is the value itself. At each
 * level the rest of the path is first tried as one key, so Graph's `@odata.nextLink` is read whole.
 */
export function getPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let cur = value;
  let rest = path;
  for (;;) {
    if (cur === null || typeof cur !== "object") return undefined;
    const o = cur as Record<string, unknown>;
    if (Object.hasOwn(o, rest)) return o[rest];
    const dot = rest.indexOf(".");
    if (dot < 0) return undefined;
    cur = o[rest.slice(0, dot)];
    rest = rest.slice(dot + 1);
  }
}

/** The items of a page: `items` dot path, else the body itself when it is an array. */
export function pageItems(data: unknown, itemsPath: string | undefined): unknown[] {
  const v = itemsPath ? getPath(data, itemsPath) : data;
  return Array.isArray(v) ? v : [];
}

/** The `rel="next"` target of an RFC 8288 Link header. */
export function parseLinkNext(header: string | undefined): string | undefined {
  if (!header) return undefined;
  // Split on commas that start a new <link>, not commas inside parameters or URLs.
  for (const part of header.split(/,\s*(?=<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m) continue;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? "");
    const rel = (rels?.[1] ?? rels?.[2] ?? "").toLowerCase().split(/\s+/);
    if (rel.includes("next")) return m[1];
  }
  return undefined;
}

function truthy(v: unknown): boolean {
  return v === true || v === "true";
}

function nonEmptyString(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

function startOffset(op: OperationSpec, params: Record<string, unknown>, wire: string): number {
  for (const p of resolveParams(op)) {
    if (p.name === wire) {
      const v = Number(params[p.prop]);
      return Number.isFinite(v) ? v : 0;
    }
  }
  return 0;
}

/**
 * Where a cursor goes when the catalog does not say: in the query when the operation declares a
 * query parameter of that name (GET lists), else in the JSON body when it has one (Notion's POST
 * database queries take `start_cursor` in the body).
 */
export function cursorInBody(style: Extract<PaginationStyle, { style: "cursor" }>, op: OperationSpec): boolean {
  if (style.in) return style.in === "body";
  if (resolveParams(op).some((p) => p.in === "query" && p.name === style.param)) return false;
  return op.body?.kind === "json";
}

/**
 * `next` (from a Link header or a page body) resolved against the page's URL, when it is on the
 * page's origin. A next URL elsewhere is never followed: the vault would put the credential on it
 * if that host were allowed, and the provider has no business sending its callers to another host.
 */
function sameOriginNext(op: OperationSpec, pageUrl: string, next: string): string {
  const current = new URL(pageUrl);
  let target: URL;
  try {
    target = new URL(next, current);
  } catch {
    throw new AlterSDKError("pagination_bad_next_url", `${op.id}: the provider's next-page URL is not a URL; it is not followed`);
  }
  if (target.origin !== current.origin) {
    throw new AlterSDKError(
      "pagination_cross_origin",
      `${op.id}: the provider's next-page link points to ${target.origin}, not ${current.origin}; it is not followed`,
    );
  }
  return target.href;
}

/** The page number a page-style request asked for: the cursor's, else the caller's, else the style's start. */
function pageNumber(style: Extract<PaginationStyle, { style: "page" }>, op: OperationSpec, page: PageSeen): number {
  const prev = page.cursor?.query?.[style.param];
  if (prev !== undefined) return Number(prev);
  for (const p of resolveParams(op)) {
    if (p.name === style.param && page.params[p.prop] !== undefined) {
      const v = Number(page.params[p.prop]);
      if (Number.isFinite(v)) return v;
    }
  }
  return style.start ?? 1;
}

/**
 * The cursor for the page after `page`, or undefined when `page` was the last one.
 * Throws when a next URL (Link header or body) leaves the current origin (it is never followed).
 */
export function nextCursor(style: PaginationStyle, op: OperationSpec, page: PageSeen): PageCursor | undefined {
  const items = pageItems(page.data, op.paginate?.items);
  switch (style.style) {
    case "link-header": {
      const next = parseLinkNext(page.headers["link"]);
      if (!next) return undefined;
      return { url: sameOriginNext(op, page.url, next) };
    }
    case "next-url": {
      const next = getPath(page.data, style.next);
      if (typeof next !== "string" || next === "") return undefined;
      const url = sameOriginNext(op, page.url, next);
      return url === page.url ? undefined : { url }; // a provider linking a page to itself would loop forever
    }
    case "page": {
      if (items.length === 0) return undefined;
      const current = pageNumber(style, op, page);
      if (!Number.isFinite(current)) return undefined;
      const total = style.totalPages ? getPath(page.data, style.totalPages) : undefined;
      const pages = typeof total === "number" ? total : typeof total === "string" && total.trim() !== "" ? Number(total) : NaN;
      if (Number.isFinite(pages) && current >= pages) return undefined;
      return { query: { [style.param]: String(current + 1) } };
    }
    case "cursor": {
      if (style.hasMore && !truthy(getPath(page.data, style.hasMore))) return undefined;
      const next = nonEmptyString(getPath(page.data, style.next));
      if (next === undefined) return undefined;
      const inBody = cursorInBody(style, op);
      const prev = inBody ? page.cursor?.body?.[style.param] : page.cursor?.query?.[style.param];
      if (prev === next) return undefined; // a provider repeating its cursor would loop forever
      return inBody ? { body: { [style.param]: next } } : { query: { [style.param]: next } };
    }
    case "item-cursor": {
      if (!truthy(getPath(page.data, style.hasMore)) || items.length === 0) return undefined;
      const id = nonEmptyString(getPath(items[items.length - 1], style.idField));
      if (id === undefined) return undefined;
      return { query: { [style.param]: id } };
    }
    case "offset": {
      if (items.length === 0) return undefined;
      const prev = page.cursor?.query?.[style.param];
      const start = prev !== undefined ? Number(prev) : startOffset(op, page.params, style.param);
      const next = start + items.length;
      const total = Number(getPath(page.data, style.total));
      if (!Number.isFinite(total) || next >= total) return undefined;
      return { query: { [style.param]: String(next) } };
    }
  }
}

export interface FetchedPage<R> {
  data: R;
  url: string;
  headers: Readonly<Record<string, string>>;
}

/** Drives `fetchPage` through every page. */
export async function* iteratePages<R>(
  style: PaginationStyle,
  op: OperationSpec,
  params: Record<string, unknown>,
  fetchPage: (cursor: PageCursor | undefined) => Promise<FetchedPage<R>>,
  signal?: AbortSignal,
): AsyncGenerator<R, void, undefined> {
  let cursor: PageCursor | undefined;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const page = await fetchPage(cursor);
    yield page.data;
    const next = nextCursor(style, op, { ...page, cursor, params });
    if (!next) return;
    cursor = next;
  }
}

/** Every item of every page. */
export async function* iterateItems<R>(pages: AsyncIterable<R>, itemsPath: string | undefined): AsyncGenerator<unknown, void, undefined> {
  for await (const data of pages) yield* pageItems(data, itemsPath);
}
