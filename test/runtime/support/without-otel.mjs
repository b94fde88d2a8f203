// `node --import ./without-otel.mjs`: a process in which @opentelemetry/* is not installed, as
// for a user who never added it. Every attempt to resolve one is written to OTEL_PROBE_FILE, so
// a test sees whether the runtime even tried to load it.
import { register } from "node:module";

register("./without-otel-hooks.mjs", import.meta.url);
