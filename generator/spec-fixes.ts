// Spec fixes: small JSON-patch-like edits kept beside a pinned document (specs/<id>/fixes.yaml),
// so known defects are repaired as data instead of as branches in the generator.
import { readFile } from "node:fs/promises";
import { SpecError, UsageError, joinPointer } from "./errors.js";
import { loadYaml } from "../catalog/yaml.js";

export type SpecFix =
  | { op: "add"; path: string; value: unknown; why: string }
  | { op: "replace"; path: string; value: unknown; why: string }
  | { op: "remove"; path: string; why: string }
  /** Replaces `path` with the value at `from` (which is removed), as in RFC 6902. */
  | { op: "move"; from: string; path: string; why: string }
  /** Asserts a value (deep equality) so that a later index-based edit cannot hit the wrong item. */
  | { op: "test"; path: string; value: unknown; why: string };

const OPS = new Set(["add", "replace", "remove", "test", "move"]);

/** Parses RFC 6901 pointer text into segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`"${pointer}" is not a JSON pointer (it must start with "/")`);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Checks the shape of a parsed fixes file; `file` is named in every error. */
export function validateFixes(data: unknown, file: string): SpecFix[] {
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data)) {
    throw new UsageError("a fixes file must be a YAML list of {op, path, value?, why}", { file, pointer: "" });
  }
  return data.map((item: unknown, i): SpecFix => {
    const at = joinPointer("", i);
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new UsageError("each fix must be a mapping {op, path, value?, why}", { file, pointer: at });
    }
    const fix = item as Record<string, unknown>;
    for (const key of Object.keys(fix)) {
      if (!["op", "path", "value", "why", "from"].includes(key)) {
        throw new UsageError(`unknown key "${key}" in a fix (allowed: op, path, value, from, why)`, {
          file,
          pointer: joinPointer(at, key),
        });
      }
    }
    if (typeof fix.op !== "string" || !OPS.has(fix.op)) {
      throw new UsageError(`"op" must be one of add, replace, remove, test, move (got ${JSON.stringify(fix.op)})`, {
        file,
        pointer: joinPointer(at, "op"),
      });
    }
    if (typeof fix.path !== "string" || (fix.path !== "" && !fix.path.startsWith("/"))) {
      throw new UsageError(`"path" must be a JSON pointer starting with "/" (got ${JSON.stringify(fix.path)})`, {
        file,
        pointer: joinPointer(at, "path"),
      });
    }
    if (typeof fix.why !== "string" || fix.why.trim() === "") {
      throw new UsageError(`every fix needs a "why" saying which defect it repairs`, { file, pointer: joinPointer(at, "why") });
    }
    if (fix.op === "move") {
      if (typeof fix.from !== "string" || !fix.from.startsWith("/")) {
        throw new UsageError(`a "move" fix needs "from", a JSON pointer starting with "/"`, { file, pointer: joinPointer(at, "from") });
      }
      if (fix.path.startsWith(fix.from + "/")) {
        throw new UsageError(`a "move" cannot put a value inside itself`, { file, pointer: joinPointer(at, "path") });
      }
      if ("value" in fix) throw new UsageError(`a "move" fix takes no "value"`, { file, pointer: joinPointer(at, "value") });
    } else if ("from" in fix) {
      throw new UsageError(`only a "move" fix takes "from"`, { file, pointer: joinPointer(at, "from") });
    }
    if (fix.op !== "remove" && fix.op !== "move" && !("value" in fix)) {
      throw new UsageError(`a "${fix.op}" fix needs a "value"`, { file, pointer: at });
    }
    if (fix.op === "remove" && "value" in fix) {
      throw new UsageError(`a "remove" fix takes no "value"`, { file, pointer: joinPointer(at, "value") });
    }
    return fix as unknown as SpecFix;
  });
}

/** Reads and validates a fixes file (YAML or JSON). */
export async function loadFixes(file: string): Promise<SpecFix[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the fixes file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  let data: unknown;
  try {
    data = (await loadYaml()).parse(text);
  } catch (error) {
    throw new UsageError(`the fixes file is not valid YAML: ${(error as Error).message.split("\n")[0]}`, { file });
  }
  return validateFixes(data, file);
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as never)[k], (b as never)[k]));
}

/**
 * Applies `fixes` to `doc` in order, in place, and returns it. A fix that no longer applies (the
 * document moved on) throws a SpecError naming the fixes file, the fix's index and the pointer.
 */
export function applyFixes<T>(doc: T, fixes: readonly SpecFix[], file: string): T {
  fixes.forEach((fix, index) => {
    if (fix.op === "move") {
      // A move is a read, a remove and an add, each reported as this fix.
      const read = readPointer(doc, fix.from);
      if (read === NOTHING) {
        throw new SpecError(
          `spec fix #${index} (move ${fix.from} -> ${fix.path}) no longer applies: nothing at ${fix.from}. Update or drop it (why it was added: ${fix.why})`,
          { file, pointer: joinPointer("", index) },
        );
      }
      applyOne(doc, { op: "remove", path: fix.from, why: fix.why }, index, file, `move ${fix.from} -> ${fix.path}`);
      applyOne(doc, { op: "add", path: fix.path, value: read, why: fix.why }, index, file, `move ${fix.from} -> ${fix.path}`);
      return;
    }
    applyOne(doc, fix, index, file, `${fix.op} ${fix.path}`);
  });
  return doc;
}

const NOTHING = Symbol("nothing");

function readPointer(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const segment of parsePointer(pointer)) {
    if (!isContainer(node) || !Object.prototype.hasOwnProperty.call(node, segment)) return NOTHING;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function applyOne(doc: unknown, fix: Exclude<SpecFix, { op: "move" }>, index: number, file: string, label: string): void {
  const fail = (reason: string): never => {
    throw new SpecError(`spec fix #${index} (${label}) no longer applies: ${reason}. Update or drop it (why it was added: ${fix.why})`, {
      file,
      pointer: joinPointer("", index),
    });
  };
  let segments: string[];
  try {
    segments = parsePointer(fix.path);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (segments.length === 0) return fail("the whole document cannot be patched");
  let parent: unknown = doc;
  for (const [depth, segment] of segments.slice(0, -1).entries()) {
    const next = isContainer(parent) ? (parent as Record<string, unknown>)[segment] : undefined;
    if (!isContainer(next) || (Array.isArray(parent) && !/^\d+$/.test(segment))) {
      return fail(`nothing at ${joinPointer("", ...segments.slice(0, depth + 1))}`);
    }
    parent = next;
  }
  const last = segments[segments.length - 1]!;
  if (!isContainer(parent)) return fail("its parent is not an object or array");

  if (Array.isArray(parent)) {
    const append = last === "-";
    if (!append && !/^(0|[1-9]\d*)$/.test(last)) return fail(`"${last}" is not an array index`);
    const i = append ? parent.length : Number(last);
    const exists = i < parent.length;
    switch (fix.op) {
      case "add":
        if (i > parent.length) return fail(`index ${i} is past the end of an array of ${parent.length}`);
        parent.splice(i, 0, structuredClone(fix.value));
        return;
      case "replace":
        if (!exists) return fail(`no item ${i} (the array has ${parent.length})`);
        parent[i] = structuredClone(fix.value);
        return;
      case "remove":
        if (!exists) return fail(`no item ${i} (the array has ${parent.length})`);
        parent.splice(i, 1);
        return;
      case "test":
        if (!exists || !deepEqual(parent[i], fix.value)) {
          return fail(`expected ${JSON.stringify(fix.value)}, found ${exists ? JSON.stringify(parent[i]) : "nothing"}`);
        }
        return;
    }
  }
  const object = parent as Record<string, unknown>;
  const exists = Object.prototype.hasOwnProperty.call(object, last);
  switch (fix.op) {
    case "add":
      object[last] = structuredClone(fix.value);
      return;
    case "replace":
      if (!exists) return fail(`there is no "${last}" to replace`);
      object[last] = structuredClone(fix.value);
      return;
    case "remove":
      if (!exists) return fail(`there is no "${last}" to remove`);
      delete object[last];
      return;
    case "test":
      if (!exists || !deepEqual(object[last], fix.value)) {
        return fail(`expected ${JSON.stringify(fix.value)}, found ${exists ? JSON.stringify(object[last]) : "nothing"}`);
      }
      return;
  }
}

/** Reads a naming-overrides file: operationId -> "namespace.method". */
export async function loadOverrides(file: string): Promise<Record<string, string>> {
  let data: unknown;
  try {
    data = (await loadYaml()).parse(await readFile(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code ? `cannot read the overrides file: ${code}` : `the overrides file is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
      { file },
    );
  }
  return validateOverrides(data, file);
}

export function validateOverrides(data: unknown, file: string): Record<string, string> {
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new UsageError(`an overrides file must be a mapping operationId: "namespace.method"`, { file, pointer: "" });
  }
  const out: Record<string, string> = {};
  for (const [id, name] of Object.entries(data)) {
    if (typeof name !== "string" || !/^[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*$/.test(name)) {
      throw new UsageError(`override for "${id}" must be "namespace.method" with identifier parts (got ${JSON.stringify(name)})`, {
        file,
        pointer: joinPointer("", id),
      });
    }
    out[id] = name;
  }
  return out;
}
