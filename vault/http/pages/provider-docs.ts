// Facts for people, read from a provider's pinned OpenAPI document: an operation's summary
// ("Create an issue"), so an approver reads what a call does and not only `issues/create`, and
// what each OAuth scope allows ("Send messages as the app"), so the connect page can say in plain
// words what the app will receive. Each document is read once per provider and process, on the
// first page that needs it, and only these strings are kept. A few scopes that documents do not
// describe (OpenID Connect's, GitHub's) are described here. Anything unknown is null.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { defaultSpecsDir, type CatalogProvider } from "../../../catalog/index.js";

interface DocFacts {
  summaries: Map<string, string>;
  scopes: Map<string, string>;
}

const cache = new Map<string, DocFacts | null>();
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Scopes no pinned document describes, worded as GitHub's and OpenID Connect's docs do. */
const KNOWN_SCOPES: Record<string, string> = {
  openid: "Confirm who you are",
  email: "See your email address",
  profile: "See your name and profile",
  offline_access: "Keep access while you are away",
  repo: "Full control of your repositories, public and private (code, issues, pull requests, settings)",
  "public_repo": "Read and change your public repositories",
  "repo:status": "Read and change commit statuses",
  "read:user": "Read your profile",
  "user:email": "See your email addresses",
  user: "Read and change your profile",
  "read:org": "Read your organizations and teams",
  gist: "Create gists",
  workflow: "Change GitHub Actions workflows",
  notifications: "Read your notifications",
};

function oneLine(s: unknown, max: number): string | null {
  if (typeof s !== "string") return null;
  const line = s.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  return line ? line.slice(0, max) : null;
}

function factsOf(doc: unknown): DocFacts {
  const summaries = new Map<string, string>();
  const d = (doc ?? {}) as {
    paths?: Record<string, Record<string, unknown>>;
    components?: { securitySchemes?: Record<string, unknown> };
    securityDefinitions?: Record<string, unknown>;
  };
  for (const item of Object.values(d.paths ?? {})) {
    for (const m of METHODS) {
      const op = item?.[m] as { operationId?: unknown; summary?: unknown; description?: unknown } | undefined;
      if (!op || typeof op.operationId !== "string") continue;
      const text = oneLine(op.summary, 200) ?? oneLine(op.description, 200);
      if (text) summaries.set(op.operationId, text);
    }
  }
  const scopes = new Map<string, string>();
  const schemes = Object.values({ ...(d.securityDefinitions ?? {}), ...(d.components?.securitySchemes ?? {}) }) as {
    scopes?: Record<string, unknown>;
    flows?: Record<string, { scopes?: Record<string, unknown> }>;
  }[];
  for (const s of schemes) {
    const lists = [s?.scopes, ...Object.values(s?.flows ?? {}).map((f) => f?.scopes)];
    for (const list of lists) for (const [name, text] of Object.entries(list ?? {})) {
      const words = oneLine(text, 200);
      // Slack's document "describes" most scopes by repeating their name: no words for a person.
      if (words && words !== name && !scopes.has(name)) scopes.set(name, words);
    }
  }
  return { summaries, scopes };
}

function facts(provider: CatalogProvider): DocFacts | null {
  const key = `${provider.id}:${provider.sha256}`;
  if (!cache.has(key)) {
    try {
      // The catalog checked specFile when it was loaded (a path inside specs/).
      const file = join(defaultSpecsDir(), provider.specFile);
      const text = readFileSync(file, "utf8");
      cache.set(key, factsOf(file.endsWith(".json") ? JSON.parse(text) : parse(text)));
    } catch {
      cache.set(key, null);
    }
  }
  return cache.get(key) ?? null;
}

export function operationSummary(provider: CatalogProvider, operationId: string): string | null {
  return facts(provider)?.summaries.get(operationId) ?? null;
}

/** What a scope lets the app do, in words, or null when neither the document nor we know. */
export function scopeDescription(provider: CatalogProvider | undefined, scope: string): string | null {
  return (provider && facts(provider)?.scopes.get(scope)) || KNOWN_SCOPES[scope] || null;
}
