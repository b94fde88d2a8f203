// names.lock.json: the method names a client has published, so that a name changed by a document
// update, an override or a new alter-gen does not just vanish. The lock sits in the client's
// folder beside the files it describes and is rewritten with them; a method whose name changed
// keeps its old name as a deprecated alias (model/aliases.ts, emit/aliases.ts) for a period.
//
// The lock changes only when the client's inputs do (the document, or the names it gives), so
// `--check` never fails because time passed: an alias past its date is dropped by the first
// regeneration from changed inputs after that date.
import { joinPointer, UsageError } from "../errors.js";

export const NAMES_LOCK_FILE = "names.lock.json";

/** How long a renamed method keeps its old name, in days. */
export const ALIAS_PERIOD_DAYS = 180;

type KeyedOperation = { id: string; derivedId: boolean; method: string; path: string };

/**
 * What the names lock knows each operation by: its operationId, or `METHOD /path` for one without
 * (or with an operationId another operation of the document repeats).
 */
export function namedOperations(ops: readonly (KeyedOperation & { namespace: string; name: string })[]): NamedOperation[] {
  const count = new Map<string, number>();
  for (const op of ops) if (!op.derivedId) count.set(op.id, (count.get(op.id) ?? 0) + 1);
  return ops.map((op) => {
    const route = `${op.method} ${op.path}`;
    return { key: op.derivedId || count.get(op.id)! > 1 ? route : op.id, route, name: `${op.namespace}.${op.name}` };
  });
}

/** One operation of the document as the client names it. */
export interface NamedOperation {
  /** The operationId, or `METHOD /path` for an operation without one. */
  key: string;
  /** `METHOD /path`: finds an operation again when the document changed its operationId. */
  route: string;
  /** `namespace.method`. */
  name: string;
}

export interface LockedAlias {
  /** The operation (its key) the old name calls. */
  operation: string;
  /** The day the rename was first generated (YYYY-MM-DD). */
  renamedOn: string;
  /** The last day the alias is promised (YYYY-MM-DD). */
  until: string;
}

export interface NamesLock {
  lockfileVersion: 1;
  /** sha256 of the document the names were last generated from. */
  document: string;
  /** Operation key -> [route, `namespace.method`]. */
  operations: Record<string, [route: string, name: string]>;
  /** Old `namespace.method` -> the operation it still calls. */
  aliases: Record<string, LockedAlias>;
}

/** An alias in force: `name` (`namespace.method`) calls `operation`. */
export interface ActiveAlias extends LockedAlias {
  name: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses a names lock; anything malformed is a UsageError naming the file and pointer. */
export function parseNamesLock(text: string, file: string): NamesLock {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`The names lock is not valid JSON (${(err as Error).message}); restore it from version control or delete it to start a new one.`, { file });
  }
  const fail = (message: string, pointer: string): never => {
    throw new UsageError(`The names lock is malformed: ${message}; restore it from version control or delete it to start a new one.`, { file, pointer });
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(data)) return fail("expected an object", "");
  if (data.lockfileVersion !== 1) fail(`lockfileVersion ${JSON.stringify(data.lockfileVersion)} is not one this alter-gen reads (1)`, "/lockfileVersion");
  if (typeof data.document !== "string") fail("expected the document's sha256", "/document");
  if (!isObject(data.operations)) return fail("expected an object of operations", "/operations");
  for (const [key, value] of Object.entries(data.operations)) {
    if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === "string" && v)) fail('expected ["METHOD /path", "namespace.method"]', joinPointer("/operations", key));
  }
  if (!isObject(data.aliases)) return fail("expected an object of aliases", "/aliases");
  for (const [name, value] of Object.entries(data.aliases)) {
    const at = joinPointer("/aliases", name);
    if (!isObject(value) || typeof value.operation !== "string") return fail("expected {operation, renamedOn, until}", at);
    for (const day of ["renamedOn", "until"] as const) {
      if (typeof value[day] !== "string" || !DAY.test(value[day] as string)) fail(`expected a YYYY-MM-DD date`, joinPointer(at, day));
    }
  }
  return data as unknown as NamesLock;
}

/**
 * Today as YYYY-MM-DD (UTC), or the day of `SOURCE_DATE_EPOCH` when it is set (the
 * reproducible-builds convention: a build that must not depend on when it ran sets it).
 */
export function today(env: NodeJS.ProcessEnv = process.env): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  const ms = epoch && /^\d+$/.test(epoch) ? Number(epoch) * 1000 : Date.now();
  return new Date(ms).toISOString().slice(0, 10);
}

/** `day` plus `days`, as YYYY-MM-DD (UTC). */
export function addDays(day: string, days: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export interface NameHistory {
  lock: NamesLock;
  aliases: ActiveAlias[];
  warnings: string[];
}

/**
 * The next lock and the aliases in force, from the previous lock (absent for a new client) and
 * the names the client now gives. A name that changed becomes an alias of its operation until
 * `today` + ALIAS_PERIOD_DAYS; an operation is found again by its route when the document changed
 * its operationId. Aliases past their date are dropped only when the inputs changed.
 */
export function updateNames(previous: NamesLock | undefined, current: readonly NamedOperation[], document: string, today: string): NameHistory {
  const operations: NamesLock["operations"] = {};
  for (const op of [...current].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) operations[op.key] = [op.route, op.name];
  if (!previous) return { lock: { lockfileVersion: 1, document, operations, aliases: {} }, aliases: [], warnings: [] };
  const unchanged = previous.document === document && JSON.stringify(previous.operations) === JSON.stringify(operations);
  const byKey = new Map(current.map((op) => [op.key, op]));
  const taken = new Map(current.map((op) => [op.name, op]));
  // A previous key the document no longer has, found again by its route under a new key.
  const newKeyByRoute = new Map(current.filter((op) => !(op.key in previous.operations)).map((op) => [op.route, op.key]));
  const follow = (key: string): string | undefined => {
    if (byKey.has(key)) return key;
    const route = previous.operations[key]?.[0];
    return route === undefined ? undefined : newKeyByRoute.get(route);
  };
  const aliases: NamesLock["aliases"] = {};
  const warnings: string[] = [];
  for (const [name, alias] of Object.entries(previous.aliases)) {
    const key = follow(alias.operation);
    if (!key || taken.has(name) || (!unchanged && today > alias.until)) continue;
    aliases[name] = { ...alias, operation: key };
  }
  for (const [key, [, oldName]] of Object.entries(previous.operations)) {
    const now = follow(key);
    if (!now || byKey.get(now)!.name === oldName || oldName in aliases) continue;
    const holder = taken.get(oldName);
    if (holder) {
      warnings.push(`${oldName} was renamed ${byKey.get(now)!.name}, but ${oldName} now calls ${holder.key}: the old name cannot stay as an alias.`);
      continue;
    }
    aliases[oldName] = { operation: now, renamedOn: today, until: addDays(today, ALIAS_PERIOD_DAYS) };
  }
  const lock: NamesLock = unchanged && JSON.stringify(aliases) === JSON.stringify(previous.aliases) ? previous : { lockfileVersion: 1, document, operations, aliases };
  const active = Object.entries(lock.aliases).map(([name, a]) => ({ name, ...a }));
  return { lock, aliases: active.sort((a, b) => (a.name < b.name ? -1 : 1)), warnings };
}
