// What a tools table costs a model, shared by bench:tools and bench:mcp: sizes are bytes of the
// JSON a host sends; tokens are estimated as characters / 4 (the JSON is ASCII but for a few
// descriptions, so bytes stand in for characters).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./env.mjs";

export const GENERATED = path.join(ROOT, "generated");
export const bytes = (v) => Buffer.byteLength(JSON.stringify(v));
export const tokens = (n) => Math.round(n / 4);

/** Catalog providers whose generated client has a tools table, sorted. */
export function toolsTableIds() {
  return readdirSync(GENERATED)
    .filter((id) => existsSync(path.join(GENERATED, id, "tools.js")))
    .sort();
}

/** A provider's generated tools table (`generated/<id>/tools.js`). */
export async function loadToolsTable(id) {
  return (await import(pathToFileURL(path.join(GENERATED, id, "tools.js")).href)).tools;
}
