// Loads the schema fixtures (test/fixtures/schemas/<case>/openapi.yaml) into normalised maps.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { normalizeSchema } from "../../../generator/model/normalize-schema.js";
import type { SchemaNode } from "../../../generator/model/schema.js";

export const fixturesDir = fileURLToPath(new URL("../../fixtures/schemas/", import.meta.url));

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function loadFixture(name: string): Map<string, SchemaNode> {
  const file = join(fixturesDir, name, "openapi.yaml");
  const doc = parse(readFileSync(file, "utf8")) as { openapi: string; components: { schemas: Record<string, unknown> } };
  const version = doc.openapi.startsWith("3.1") ? "3.1" : "3.0";
  const schemas = new Map<string, SchemaNode>();
  for (const [schemaName, raw] of Object.entries(doc.components.schemas)) {
    schemas.set(schemaName, normalizeSchema(raw, { version, file, pointer: `/components/schemas/${schemaName}`, document: doc }));
  }
  return schemas;
}
