// Routes a method and path to the document's operation. Literal segments beat templated ones, so
// `/repos/{owner}/{repo}/pulls` wins over `/repos/{owner}/{repo}/{anything}`-like templates.
import { deref, isObject, type Json, type JsonObject } from "./schema.js";

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: Json;
  style?: string;
  explode?: boolean;
  /** JSON pointer of the parameter in the document, for error messages. */
  pointer: string;
}

export interface Operation {
  id: string;
  method: string;
  template: string;
  /** JSON pointer of the operation object. */
  pointer: string;
  op: JsonObject;
  params: Parameter[];
}

interface Route {
  regex: RegExp;
  names: string[];
  literalLength: number;
  byMethod: Map<string, Operation>;
}

function escapeSegment(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

export class Router {
  private readonly routes: Route[] = [];
  readonly byId = new Map<string, Operation>();

  constructor(private readonly doc: JsonObject) {
    const paths = isObject(doc.paths) ? doc.paths : {};
    for (const [template, rawItem] of Object.entries(paths)) {
      const item = deref(doc, rawItem);
      if (!isObject(item)) continue;
      const names: string[] = [];
      let literalLength = 0;
      const parts = template.split(/(\{[^}]+\})/);
      // A parameter that ends the template may be empty where no other path sits at the template
      // without it, as a real server routes `/repos/o/r/contents/` (GitHub: the repository's root).
      const lastMayBeEmpty = parts.at(-1) === "" && parts.at(-3)?.endsWith("/") === true && !(parts.slice(0, -3).join("") + parts.at(-3)!.slice(0, -1) in paths);
      const pattern = parts
        .map((part, i) => {
          const m = /^\{([^}]+)\}$/.exec(part);
          if (m) {
            names.push(m[1]!);
            return lastMayBeEmpty && i === parts.length - 2 ? "([^/]*)" : "([^/]+)";
          }
          literalLength += part.length;
          return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        })
        .join("");
      const route: Route = { regex: new RegExp(`^${pattern}/?$`), names, literalLength, byMethod: new Map() };
      const itemPointer = `/paths/${escapeSegment(template)}`;
      for (const method of METHODS) {
        const op = item[method];
        if (!isObject(op)) continue;
        const pointer = `${itemPointer}/${method}`;
        const id = typeof op.operationId === "string" ? op.operationId : `${method} ${template}`;
        const operation: Operation = {
          id,
          method: method.toUpperCase(),
          template,
          pointer,
          op,
          params: this.mergeParams(item.parameters, itemPointer, op.parameters, pointer),
        };
        route.byMethod.set(operation.method, operation);
        this.byId.set(id, operation);
      }
      this.routes.push(route);
    }
    this.routes.sort((a, b) => b.literalLength - a.literalLength || a.names.length - b.names.length);
  }

  /** Operation-level parameters override path-level ones with the same name and location. */
  private mergeParams(pathLevel: Json | undefined, pathPointer: string, opLevel: Json | undefined, opPointer: string): Parameter[] {
    const out = new Map<string, Parameter>();
    const add = (list: Json | undefined, base: string) => {
      if (!Array.isArray(list)) return;
      list.forEach((raw, i) => {
        const p = deref(this.doc, raw);
        if (!isObject(p) || typeof p.name !== "string" || typeof p.in !== "string") return;
        let schema: Json = p.schema ?? {};
        // A parameter may carry its schema under content (JSON in a query string); validate it as given.
        if (p.schema === undefined && isObject(p.content)) {
          const first = Object.values(p.content)[0];
          if (isObject(first) && first.schema !== undefined) schema = first.schema;
        }
        const param: Parameter = {
          name: p.name,
          in: p.in as Parameter["in"],
          required: p.in === "path" || p.required === true,
          schema,
          pointer: `${base}/parameters/${i}`,
        };
        if (typeof p.style === "string") param.style = p.style;
        if (typeof p.explode === "boolean") param.explode = p.explode;
        out.set(`${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`, param);
      });
    };
    add(pathLevel, pathPointer);
    add(opLevel, opPointer);
    return [...out.values()];
  }

  /** The operation and its raw path parameters, or why nothing matched (404 vs 405). */
  match(method: string, path: string): { operation: Operation; pathParams: Record<string, string> } | { status: 404 | 405; allowed?: string[] } {
    let allowed: string[] | undefined;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      const operation = route.byMethod.get(method) ?? (method === "HEAD" ? route.byMethod.get("GET") : undefined);
      if (!operation) {
        allowed ??= [...route.byMethod.keys()];
        continue;
      }
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(m[i + 1]!);
      });
      return { operation, pathParams };
    }
    return allowed ? { status: 405, allowed } : { status: 404 };
  }
}
