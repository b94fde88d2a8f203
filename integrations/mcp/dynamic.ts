// The dynamic mode's three tools: search the operations by keywords, describe the chosen ones
// (their full input schemas), call one by name. A model pays for three small schemas instead of
// one per operation; results are deterministic (same query, same order) so a host's cache and a
// test can rely on them. Calls are audited under the real operation's tool name.
import type { OfferedTool } from "./selection.js";

export const SEARCH_TOOL = "search_operations";
export const DESCRIBE_TOOL = "describe_operations";
export const CALL_TOOL = "call_operation";

const SEARCH_DEFAULT = 10;
const SEARCH_MAX = 50;
const DESCRIBE_MAX = 20;

/** The three tools as tools/list shows them; `providers` names what they reach. */
export function dynamicTools(providers: string) {
  return [
    {
      name: SEARCH_TOOL,
      title: `Search ${providers} operations`,
      description: `Find ${providers} API operations by keywords (words of their names, summaries and paths). Returns names to pass to ${DESCRIBE_TOOL} and ${CALL_TOOL}.`,
      inputSchema: {
        type: "object" as const,
        properties: {
          query: { type: "string", minLength: 1, description: "Keywords, e.g. 'list repositories of an organization'" },
          limit: { type: "integer", minimum: 1, maximum: SEARCH_MAX, description: `How many results (default ${SEARCH_DEFAULT})` },
        },
        required: ["query"],
        additionalProperties: false,
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: DESCRIBE_TOOL,
      title: `Describe ${providers} operations`,
      description: `The full description and input schema of operations found with ${SEARCH_TOOL}, to build the input of ${CALL_TOOL}.`,
      inputSchema: {
        type: "object" as const,
        properties: { names: { type: "array", items: { type: "string" }, minItems: 1, maxItems: DESCRIBE_MAX, description: "Operation names from the search" } },
        required: ["names"],
        additionalProperties: false,
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: CALL_TOOL,
      title: `Call a ${providers} operation`,
      description: `Call one operation by name with its input (checked against the schema ${DESCRIBE_TOOL} gave). Operations may change data at the provider: read the description first.`,
      inputSchema: {
        type: "object" as const,
        properties: {
          name: { type: "string", description: "The operation's name" },
          input: { type: "object", description: "The operation's input, as its schema describes" },
        },
        required: ["name"],
        additionalProperties: false,
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
  ];
}

export interface SearchHit {
  name: string;
  title: string | undefined;
  summary: string;
  readOnly: boolean;
  destructive: boolean;
}

/** Search index entries, built once per server. */
export interface Indexed {
  tool: OfferedTool;
  name: Set<string>;
  title: Set<string>;
  text: Set<string>;
}

export function indexTools(tools: readonly OfferedTool[]): Indexed[] {
  return tools.map((tool) => {
    const d = tool.definition;
    return {
      tool,
      name: new Set([...words(tool.name), ...words(d.operation.namespace), ...words(d.operation.method), ...words(d.operation.id)]),
      title: new Set(words(d.title ?? "")),
      text: new Set(words(d.description)),
    };
  });
}

/**
 * Tools ranked by the query words they contain: each word found in the name counts 3, in the
 * title 2, in the description 1 (added up). A word matches a word that starts with it or that it
 * starts with, three letters at least, so "repo" finds "repos" and "repositories" finds "repos".
 * Each word of the name that no query word matches costs 2. Ties go to the shorter name (the general operation before its variants), then by name.
 */
export function searchTools(index: readonly Indexed[], query: string, limit = SEARCH_DEFAULT): SearchHit[] {
  const terms = [...new Set(words(query))].filter((w) => !STOP_WORDS.has(w));
  if (terms.length === 0) return [];
  const scored: [number, Indexed][] = [];
  for (const entry of index) {
    let score = 0;
    for (const term of terms) {
      if (matches(entry.name, term)) score += 3;
      if (matches(entry.title, term)) score += 2;
      if (matches(entry.text, term)) score += 1;
    }
    if (score === 0) continue;
    // A name word no query word asked for means a more specific operation than the one sought.
    for (const word of entry.name) if (!terms.some((t) => matches(new Set([word]), t))) score -= 2;
    scored.push([score, entry]);
  }
  scored.sort((a, b) => b[0] - a[0] || a[1].tool.name.length - b[1].tool.name.length || (a[1].tool.name < b[1].tool.name ? -1 : a[1].tool.name > b[1].tool.name ? 1 : 0));
  return scored.slice(0, Math.min(Math.max(1, limit), SEARCH_MAX)).map(([, { tool }]) => ({
    name: tool.name,
    title: tool.definition.title,
    summary: firstSentence(tool.definition.description),
    readOnly: tool.definition.annotations.readOnlyHint,
    destructive: tool.definition.annotations.destructiveHint,
  }));
}

/** What describe answers for one tool. */
export function describeTool(tool: OfferedTool) {
  const d = tool.definition;
  return { name: tool.name, title: d.title, description: d.description, inputSchema: d.inputSchema, annotations: d.annotations };
}

export const DESCRIBE_LIMIT = DESCRIBE_MAX;

const STOP_WORDS = new Set(["a", "an", "the", "of", "for", "to", "in", "on", "by", "and", "or", "with", "my", "me", "all"]);

/** Lower-case words of identifiers and prose: camelCase, snake_case, kebab-case and paths split. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

function matches(set: Set<string>, term: string): boolean {
  if (set.has(term)) return true;
  if (term.length < 3) return false;
  for (const w of set) if (w.length >= 3 && (w.startsWith(term) || term.startsWith(w))) return true;
  return false;
}

function firstSentence(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
