// The data half of a namespace module: `export const operations = { … }`, one OperationSpec per
// method, exactly what the runtime's bindOperations reads.
import type { OperationModel, ParamModel } from "../model/api.js";
import { exportConst, type Data } from "./js-data.js";

function paramData(p: ParamModel): Data {
  const extra = p.property !== p.wireName || p.style !== undefined || p.explode !== undefined || p.allowReserved || p.allowEmpty;
  if (!extra) return p.in;
  return {
    in: p.in,
    name: p.property !== p.wireName ? p.wireName : undefined,
    style: p.style,
    explode: p.explode,
    allowReserved: p.allowReserved || undefined,
    allowEmpty: p.allowEmpty || undefined,
  };
}

export function operationData(op: OperationModel): Data {
  const params: Record<string, Data> = {};
  for (const p of op.params) params[p.property] = paramData(p);
  return {
    id: op.id,
    method: op.method,
    path: op.path,
    params: op.params.length ? params : undefined,
    body: op.body ? { kind: op.body.kind, mediaType: op.body.mediaType, required: op.body.required || undefined } : undefined,
    response: op.responseKind === "json" ? undefined : op.responseKind,
    accept: op.accept,
    representations: op.representations ? Object.fromEntries(op.representations.map((r) => [r.mediaType, r.kind])) : undefined,
    paginate: op.paginate ? { items: op.paginate.items } : undefined,
    baseUrl: op.baseUrl,
  };
}

function table(ops: readonly OperationModel[]): Record<string, Data> {
  const out: Record<string, Data> = {};
  for (const op of ops) out[op.name] = operationData(op);
  return out;
}

export function operationTableJs(ops: readonly OperationModel[]): string {
  return exportConst("operations", table(ops), 'import("alter-gen/runtime").OperationTable');
}

/** The `--format ts` table: typed by annotation instead of a JSDoc comment. */
export function operationTableTs(ops: readonly OperationModel[]): string {
  return exportConst("operations: OperationTable", table(ops), undefined, "ts");
}
