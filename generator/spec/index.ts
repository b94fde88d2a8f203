// The spec phase: source text -> a self-contained, validated OpenAPI 3.x document whose prose is
// markdown with absolute links.
import { bundleExternalRefs } from "./bundle.js";
import { hoistSchemaRefs } from "./hoist.js";
import { parseText, readSource } from "./load.js";
import { docsLinkBaseOf, rewriteProse } from "./prose.js";
import { convertSwagger2 } from "./swagger2.js";
import { detectKind, validateDocument } from "./validate.js";

export interface LoadedSpec {
  /** Absolute file path or URL. */
  source: string;
  /** sha256 of the source text as read (before fixes and conversion). */
  sha256: string;
  /** The version the model reads with (a converted Swagger 2.0 document reads as 3.0). */
  version: "3.0" | "3.1";
  /** The original format, for messages. */
  originalFormat: "openapi-3.0" | "openapi-3.1" | "swagger-2.0";
  doc: Record<string, any>;
  /** Components created by hoisting -> the pointer they were copied from. */
  origins: Map<string, string>;
  /** What was read but not used (a discriminator mapping value that leads nowhere), one line each. */
  warnings: string[];
}

export interface LoadSpecOptions {
  flag?: string;
  /** Applied to the parsed document before conversion (catalog spec fixes). */
  fix?: (doc: Record<string, any>) => Record<string, any> | void;
  /** What relative links in descriptions are written against (prose.ts, `docsLinkBaseOf`). */
  docsLinkBase?: string;
}

export async function loadSpec(source: string, options: LoadSpecOptions = {}): Promise<LoadedSpec> {
  const text = await readSource(source, options.flag);
  const parsed = await parseText(text.text, text.source);
  const kind = detectKind(parsed, text.source);
  let doc = parsed as Record<string, any>;
  if (options.fix) doc = options.fix(doc) ?? doc;
  const warnings: string[] = [];
  // Checked before conversion so pointers in errors are the author's own.
  if (validateDocument(doc, text.source)) {
    doc = await bundleExternalRefs(doc, text.source, { swagger2: kind.kind === "swagger2", warnings });
    validateDocument(doc, text.source, { bundled: true });
  }
  let version: "3.0" | "3.1";
  let originalFormat: LoadedSpec["originalFormat"];
  if (kind.kind === "swagger2") {
    doc = convertSwagger2(doc);
    version = "3.0";
    originalFormat = "swagger-2.0";
  } else {
    version = kind.version;
    originalFormat = kind.version === "3.0" ? "openapi-3.0" : "openapi-3.1";
  }
  doc.paths ??= {};
  const origins = hoistSchemaRefs(doc, warnings);
  rewriteProse(doc, docsLinkBaseOf(doc, options.docsLinkBase));
  return { source: text.source, sha256: text.sha256, version, originalFormat, doc, origins, warnings };
}
