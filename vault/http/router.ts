// Matches a method and path to a route; ":name" segments capture one path segment.
import type { RouteDef } from "./context.js";

interface Compiled {
  route: RouteDef;
  segments: string[];
}

export interface RouteMatch {
  route: RouteDef;
  params: Record<string, string>;
}

export class Router {
  readonly #routes: Compiled[] = [];

  constructor(routes: readonly RouteDef[]) {
    const seen = new Set<string>();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) throw new Error(`two routes for ${key}`);
      seen.add(key);
      this.#routes.push({ route, segments: split(route.path) });
    }
  }

  /** The matching route, or "method" when the path exists under another method, or undefined. */
  match(method: string, pathname: string): RouteMatch | "method" | undefined {
    const parts = split(pathname);
    let pathMatched = false;
    for (const c of this.#routes) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (c.route.method === method || (method === "HEAD" && c.route.method === "GET")) return { route: c.route, params };
      pathMatched = true;
    }
    return pathMatched ? "method" : undefined;
  }
}

function split(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const v = parts[i]!;
    if (p.startsWith(":")) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(v);
      } catch {
        return undefined;
      }
      params[p.slice(1)] = decoded;
    } else if (p !== v) return undefined;
  }
  return params;
}
