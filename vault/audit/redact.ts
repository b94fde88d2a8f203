// Audit rows and approval pages show URLs through the runtime's redaction (one definition of
// "secret-looking" for the whole project).
export { redactUrl } from "../../protocol/redact.js";
