// Approval by operation: which calls of a grant wait for a person's yes ("read freely, write with
// a person's yes"). Pure functions of an operation the vault has already verified (its id, the
// method the request uses, its path template: grants/operations.ts); never of a caller's label.
import type { ApprovalClass, ApprovalGate } from "../../protocol/wire.js";
import { isDestructive, isReadMethod } from "../../catalog/operation-class.js";

export type { ApprovalClass, ApprovalGate };

export const APPROVAL_CLASSES: readonly ApprovalClass[] = ["write", "destructive"];
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];

/** An operation as the vault verified it against the provider's document. */
export interface VerifiedOperation {
  id: string;
  method: string;
  /** The document's path template (`/repos/{owner}/{repo}/issues`). */
  path: string;
}

const globs = new Map<string, RegExp>();

/** `*` matches any run of characters (slashes and dots too); everything else literally. */
export function globMatches(pattern: string, id: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s");
    if (globs.size > 1000) globs.clear();
    globs.set(pattern, re);
  }
  return re.test(id);
}

/**
 * Names the verb may come from: the operation id (`issues/delete-comment`, `chat.delete`), its last
 * `_` part (Slack's `chat_delete`), and the path's last literal segment (`/chat.delete`).
 */
function namesOf(op: VerifiedOperation): string[] {
  const lastLiteral = op.path.split("/").filter((s) => s && !s.startsWith("{")).pop();
  return [op.id, op.id.split("_").pop()!, ...(lastLiteral ? [lastLiteral] : [])];
}

export function inClass(cls: ApprovalClass, op: VerifiedOperation): boolean {
  if (cls === "write") return !isReadMethod(op.method);
  return namesOf(op).some((n) => isDestructive(op.method, n));
}

/** Why `gate` asks for approval of `op` ("operation issues/*", "method POST", "class write"), or null. */
export function gateReason(gate: ApprovalGate, op: VerifiedOperation): string | null {
  const pattern = gate.operations?.find((p) => globMatches(p, op.id));
  if (pattern !== undefined) return `operation ${pattern}`;
  const method = gate.methods?.find((m) => m === op.method.toUpperCase());
  if (method !== undefined) return `method ${method}`;
  const cls = gate.classes?.find((c) => inClass(c, op));
  return cls !== undefined ? `class ${cls}` : null;
}

/** Checks a gate given by an operator or an API caller; returns the normalised gate or a message naming the part. */
export function parseApprovalGate(input: unknown, where: string): ApprovalGate | string {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return `${where} must be an object { operations?, methods?, classes? }.`;
  const g = input as Record<string, unknown>;
  for (const k of Object.keys(g)) if (!["operations", "methods", "classes"].includes(k)) return `${where}.${k} is not a field (known: operations, methods, classes).`;
  const out: ApprovalGate = {};
  const list = (k: string): string[] | string | undefined => {
    const v = g[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "string" || x.trim() === "")) return `${where}.${k} must be a non-empty list of strings.`;
    return [...new Set(v.map((x: string) => x.trim()))];
  };
  const ops = list("operations");
  if (typeof ops === "string") return ops;
  if (ops) out.operations = ops;
  const methods = list("methods");
  if (typeof methods === "string") return methods;
  if (methods) {
    const upper = [...new Set(methods.map((m) => m.toUpperCase()))];
    const bad = upper.find((m) => !HTTP_METHODS.includes(m));
    if (bad !== undefined) return `${where}.methods: "${bad}" is not an HTTP method (${HTTP_METHODS.join(", ")}).`;
    out.methods = upper;
  }
  const classes = list("classes");
  if (typeof classes === "string") return classes;
  if (classes) {
    const bad = classes.find((c) => !(APPROVAL_CLASSES as string[]).includes(c));
    if (bad !== undefined) return `${where}.classes: "${bad}" is not a class (write, destructive).`;
    out.classes = classes as ApprovalClass[];
  }
  if (!out.operations && !out.methods && !out.classes) return `${where} must name operations, methods or classes.`;
  return out;
}
