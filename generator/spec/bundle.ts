// Makes a document that refers to other files (or URLs) self-contained. A schema from another
// file becomes a component schema under a stable name, so recursion and sharing survive, even
// across files; anything else (a parameter, a response, a path item) is inlined where it is
// used. A ref from another file back into the root document becomes that document's own local
// ref. Discriminator mappings to other files are rewritten the same way; one that leads nowhere
// is dropped with a warning (it only narrows a union). Which `$ref`s count is ref-positions.ts.
import path from "node:path";
import { joinPointer, SpecError, type Location } from "../errors.js";
import { isUrl, parseText, ReadFailure, readText } from "./load.js";
import { getPointer } from "./pointer.js";
import { isFileRef, walkRefs, type Json, type Position } from "./ref-positions.js";

export interface BundleOptions {
  /** Swagger 2.0 keeps its schemas in `definitions`. */
  swagger2: boolean;
  /** Receives one line per mapping entry that was dropped. */
  warnings: string[];
}

/** A `$ref` or mapping value, split and made absolute against the file it appears in. */
interface Target {
  location: string;
  fragment: string;
}

/** Bundles `doc` (read from `source`) in place; validate.ts says whether a document needs it. */
export async function bundleExternalRefs(doc: Json, source: string, options: BundleOptions): Promise<Json> {
  await new Bundler(doc, source, options).run();
  return doc;
}

class Bundler {
  private readonly files = new Map<string, Promise<unknown>>();
  /** `location#fragment` -> the component name it was hoisted as. */
  private readonly hoisted = new Map<string, string>();
  private readonly taken: Set<string>;
  private readonly schemas: Json;
  private readonly schemaPrefix: string;
  /** Non-schema targets being inlined, to report a cycle instead of recursing forever. */
  private readonly inlining = new Set<string>();

  constructor(
    private readonly root: Json,
    private readonly rootLocation: string,
    private readonly options: BundleOptions,
  ) {
    this.files.set(rootLocation, Promise.resolve(root));
    if (options.swagger2) {
      this.schemas = root.definitions ??= {};
      this.schemaPrefix = "#/definitions/";
    } else {
      this.schemas = (root.components ??= {}).schemas ??= {};
      this.schemaPrefix = "#/components/schemas/";
    }
    this.taken = new Set(Object.keys(this.schemas));
  }

  async run(): Promise<void> {
    // A component that is nothing but a ref to another file keeps its own name for the target.
    for (const [name, value] of Object.entries<Json>(this.schemas)) {
      if (value === null || typeof value !== "object" || typeof value.$ref !== "string" || Object.keys(value).length !== 1) continue;
      if (value.$ref.startsWith("#")) continue;
      const where = { file: this.rootLocation, pointer: joinPointer(this.schemaPointer(), name, "$ref") };
      const target = this.target(value.$ref, this.rootLocation, where);
      if (target.location === this.rootLocation || this.hoisted.has(key(target))) continue;
      await this.hoist(target, value.$ref, where, name);
    }
    await this.resolveAll(this.root, "node", this.rootLocation, "", true);
  }

  private schemaPointer(): string {
    return this.options.swagger2 ? "/definitions" : "/components/schemas";
  }

  /** Resolves every ref under `node` (found at `pointer` in `location`); the root's own local refs stay. */
  private async resolveAll(node: unknown, position: Position, location: string, pointer: string, isRoot: boolean): Promise<void> {
    const refs: { holder: Json; position: Position; at: string }[] = [];
    const mappings: { holder: Json; at: string }[] = [];
    walkRefs(
      node,
      position,
      ({ holder, position, path }) => {
        if (!isRoot || !holder.$ref.startsWith("#")) refs.push({ holder, position, at: joinPointer(pointer, ...path) });
      },
      ({ holder, path }) => mappings.push({ holder, at: joinPointer(pointer, ...path, "discriminator", "mapping") }),
    );
    for (const ref of refs) await this.resolveRef(ref.holder, ref.position, location, ref.at);
    for (const m of mappings) await this.resolveMapping(m.holder.discriminator.mapping, location, m.at, isRoot);
  }

  private async resolveRef(holder: Json, position: Position, location: string, at: string): Promise<void> {
    const where: Location = { file: location, pointer: joinPointer(at, "$ref") };
    const ref: string = holder.$ref;
    const target = this.target(ref, location, where);
    if (position === "schema") {
      holder.$ref = await this.schemaRef(target, ref, where);
      return;
    }
    if (target.location === this.rootLocation) {
      holder.$ref = `#${target.fragment}`;
      return;
    }
    await this.inline(holder, position, target, ref, where);
  }

  /**
   * The root's ref for a schema: a local one into the root, else its component. A target that
   * is itself only a ref is followed, so no alias component stands between (an alias of a
   * discriminated union would read as a subtype of it).
   */
  private async schemaRef(target: Target, ref: string, where: Location, depth = 0): Promise<string> {
    if (target.location === this.rootLocation) return `#${target.fragment}`;
    const known = this.hoisted.get(key(target));
    if (known !== undefined) return this.schemaPrefix + known;
    const value = await this.lookup(target, ref, where);
    if (isOnlyRef(value) && depth < 32) return this.schemaRef(this.target(value.$ref, target.location, where), value.$ref, where, depth + 1);
    return this.schemaPrefix + (await this.hoist(target, ref, where));
  }

  /** The component name of a schema in another file, copied into the root the first time. */
  private async hoist(target: Target, ref: string, where: Location, name?: string): Promise<string> {
    const known = this.hoisted.get(key(target));
    if (known !== undefined) return known;
    const value = await this.lookup(target, ref, where);
    name ??= this.reserveName(target);
    // Named before its own refs are resolved, so a cycle back to it ends at this name.
    this.hoisted.set(key(target), name);
    const copy = structuredClone(value);
    this.schemas[name] = copy;
    if (copy !== null && typeof copy === "object") await this.resolveAll(copy, "schema", target.location, target.fragment, false);
    return name;
  }

  /** Replaces the ref object with a copy of its target (its own other fields take precedence). */
  private async inline(holder: Json, position: Position, target: Target, ref: string, where: Location): Promise<void> {
    const id = key(target);
    if (this.inlining.has(id)) throw new SpecError(`The $ref "${ref}" is circular outside a schema, so it cannot be inlined.`, where);
    const copy = structuredClone(await this.lookup(target, ref, where));
    if (copy === null || typeof copy !== "object" || Array.isArray(copy)) {
      throw new SpecError(`The $ref "${ref}" points to ${describe(copy)}, where an object is expected.`, where);
    }
    this.inlining.add(id);
    await this.resolveAll(copy, position, target.location, target.fragment, false);
    this.inlining.delete(id);
    const { $ref: _ref, ...siblings } = holder;
    for (const k of Object.keys(holder)) delete holder[k];
    Object.assign(holder, copy, siblings);
  }

  private async resolveMapping(mapping: Json, location: string, at: string, isRoot: boolean): Promise<void> {
    const dropped: string[] = [];
    let why = "";
    for (const [value, ref] of Object.entries<unknown>(mapping)) {
      if (typeof ref !== "string" || (isRoot ? !isFileRef(ref) : !isFileRef(ref) && !ref.startsWith("#"))) continue;
      const target = this.target(ref, location, { file: location, pointer: joinPointer(at, value) });
      const found = await this.find(target);
      if ("value" in found) {
        mapping[value] = await this.schemaRef(target, ref, { file: location, pointer: joinPointer(at, value) });
        continue;
      }
      delete mapping[value];
      dropped.push(value);
      why ||= found.unreadable ? `${ref.split("#")[0]} ${found.unreadable}` : `${ref} leads nowhere`;
    }
    if (dropped.length) this.options.warnings.push(droppedMappingWarning(location === this.rootLocation ? "" : location, at, dropped, why));
  }

  private target(ref: string, base: string, where: Location): Target {
    const hash = ref.indexOf("#");
    const file = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? "" : ref.slice(hash + 1);
    if (file === "") return { location: base, fragment };
    let location: string;
    if (isUrl(base)) {
      location = new URL(file, base).toString();
      // A document read from the network never reads this machine's files.
      if (!isUrl(location)) throw new SpecError(`The $ref "${ref}" of a document read from ${base} points to ${location}; only http(s) URLs can be referred to from there.`, where);
    } else if (isUrl(file)) location = file;
    else if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) {
      throw new SpecError(`The $ref "${ref}" uses a scheme alter-gen does not read (files and http(s) URLs only).`, where);
    } else location = path.resolve(path.dirname(base), safeDecode(file));
    return { location, fragment };
  }

  private async lookup(target: Target, ref: string, where: Location): Promise<unknown> {
    const found = await this.find(target);
    if ("value" in found) return found.value;
    if (found.unreadable) throw new SpecError(`The $ref "${ref}" points to ${target.location}, which ${found.unreadable}.`, where);
    throw new SpecError(`The $ref "${ref}" does not resolve: ${target.location} has nothing at ${target.fragment || "/"}.`, where);
  }

  /** The target's value, or why there is none (the file cannot be read, or has nothing there). */
  private async find(target: Target): Promise<{ value: unknown } | { unreadable?: string }> {
    let doc: unknown;
    try {
      doc = await this.load(target.location);
    } catch (err) {
      if (err instanceof ReadFailure) return { unreadable: err.reason };
      throw err;
    }
    const value = getPointer(doc, target.fragment);
    return value === undefined ? {} : { value };
  }

  private load(location: string): Promise<unknown> {
    let loading = this.files.get(location);
    if (!loading) {
      loading = readText(location).then((text) => parseText(text.text, text.source));
      this.files.set(location, loading);
    }
    return loading;
  }

  private reserveName(target: Target): string {
    const segs = target.fragment.split("/").filter(Boolean);
    const last = segs.length ? safeDecode(segs[segs.length - 1]!).replace(/~1/g, "/").replace(/~0/g, "~") : baseName(target.location);
    const base = last.replace(/[^A-Za-z0-9_.-]/g, "_") || "Schema";
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }
}

/** One line for the values of one mapping that lead nowhere (they only narrowed a union). */
export function droppedMappingWarning(file: string, pointer: string, values: string[], why: string): string {
  const list = values.length > 4 ? `${values.slice(0, 4).join(", ")} and ${values.length - 4} more` : values.join(", ");
  return `${file ? `${file} ` : ""}${pointer}: discriminator mapping ${list} not used (${why}).`;
}

export function isOnlyRef(value: unknown): value is { $ref: string } {
  if (value === null || typeof value !== "object" || typeof (value as Json).$ref !== "string") return false;
  for (const k in value) if (k !== "$ref") return false;
  return true;
}

function key(target: Target): string {
  return `${target.location}#${target.fragment}`;
}

function baseName(location: string): string {
  const last = isUrl(location) ? new URL(location).pathname.split("/").pop() ?? "" : path.basename(location);
  return last.replace(/\.(ya?ml|json)$/i, "");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}
