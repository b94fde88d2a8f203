// The resolve hook of without-otel.mjs (runs on the loader thread).
import { appendFileSync } from "node:fs";

export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@opentelemetry/")) {
    if (process.env.OTEL_PROBE_FILE) appendFileSync(process.env.OTEL_PROBE_FILE, `${specifier}\n`);
    const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}
