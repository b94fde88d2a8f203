// docs/protocol.md's tables = the code's. The error table (code, HTTP status, SDK class, retryable)
// is read row by row and compared with protocol/errors.ts's ERROR_TABLE in both directions, so
// neither the document nor the code can drift; the signature refusal table must name exactly the
// SignatureError codes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_TABLE, SIGNATURE_CODES, type ErrorCode, type ErrorRow } from "../../protocol/errors.js";

const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");

/** The rows of the first table after `heading` whose header row is `header`: cells, trimmed. */
function tableAfter(heading: string, header: string): string[][] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/protocol.md has no heading "${heading}"`);
  const lines = doc.slice(start).split("\n");
  const at = lines.findIndex((l) => l.trim() === header);
  if (at < 0) throw new Error(`docs/protocol.md: no table "${header}" after "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.slice(1, line.lastIndexOf("|")).split("|").map((c) => c.trim()));
  }
  return rows;
}

const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const allCodes = Object.keys(ERROR_TABLE) as ErrorCode[];

/** The code cell's codes: `a` / `b` lists several; `signature_*` is every code it matches. */
function codesOf(cell: string): string[] {
  return ticked(cell).flatMap((name) => (name.endsWith("*") ? allCodes.filter((c) => c.startsWith(name.slice(0, -1))) : [name]));
}

interface DocRow {
  line: string;
  status: number;
  sdkClass: string;
  sdkCode: string | undefined;
  retryable: boolean;
  unsigned: boolean;
}

/** Each row of "Error codes", spread to one entry per code (statuses and classes pair up by position). */
function documentedErrors(): Map<string, DocRow> {
  const out = new Map<string, DocRow>();
  for (const [codeCell, httpCell, classCell, retryCell, ...rest] of tableAfter("## Error codes", "| code | HTTP | SDK class | retryable |")) {
    const line = `| ${codeCell} | ${httpCell} | ${classCell} | ${retryCell} |`;
    expect(rest, line).toEqual([]);
    const codes = codesOf(codeCell!);
    const statuses = [...httpCell!.matchAll(/\b\d{3}\b/g)].map((m) => Number(m[0]));
    // "`ApprovalDeniedError` / `ApprovalExpiredError`": the first ticked name of each part is a class.
    const parts = classCell!.split(/ \/ (?=`)/);
    const classes = parts.map((p) => ticked(p)[0]!);
    expect(retryCell, line).toMatch(/^(yes|no)$/);
    codes.forEach((code, i) => {
      expect(out.has(code), `${code} is in two rows`).toBe(false);
      const part = parts[classes.length === 1 ? 0 : i]!;
      // "`NetworkError` (`vault_unavailable`)": a code alone in the parentheses is the one the SDK's error carries.
      const sdkCode = /\(`([a-z_]+)`\)/.exec(part)?.[1];
      out.set(code, {
        line,
        status: statuses[statuses.length === 1 ? 0 : i]!,
        sdkClass: classes[classes.length === 1 ? 0 : i]!,
        sdkCode,
        retryable: retryCell === "yes",
        unsigned: /\bunsigned\b/.test(httpCell!),
      });
    });
  }
  return out;
}

describe("docs/protocol.md, Error codes", () => {
  const documented = documentedErrors();

  it("lists every code of ERROR_TABLE, and no other", () => {
    expect([...documented.keys()].sort()).toEqual([...allCodes].sort());
  });

  it.each(allCodes)("%s: status, SDK class, retryable and signing as ERROR_TABLE says", (code) => {
    const row: ErrorRow = ERROR_TABLE[code];
    const doc = documented.get(code);
    expect(doc, `${code} is not in docs/protocol.md's table`).toBeDefined();
    expect({ status: doc!.status, sdkClass: doc!.sdkClass, retryable: doc!.retryable, unsigned: doc!.unsigned, sdkCode: doc!.sdkCode }, doc!.line).toEqual({
      status: row.status,
      sdkClass: row.sdkClass,
      retryable: row.retryable,
      unsigned: row.unsigned ?? false,
      sdkCode: row.sdkCode,
    });
  });
});

describe("docs/protocol.md, request signature refusals", () => {
  it("names exactly the SignatureError codes of ERROR_TABLE", () => {
    const codes = tableAfter("## Request signatures (RFC 9421 + RFC 9530)", "| code | when |").map(([cell]) => ticked(cell!)[0]!);
    expect(codes.sort()).toEqual([...SIGNATURE_CODES].sort());
  });
});

describe("the parser", () => {
  it.each([
    ["a wildcard", "`signature_*`", allCodes.filter((c) => c.startsWith("signature_"))],
    ["two codes", "`not_found` / `method_not_allowed`", ["not_found", "method_not_allowed"]],
    ["one code", "`grant_expired`", ["grant_expired"]],
  ])("reads %s", (_name, cell, want) => {
    expect(codesOf(cell)).toEqual(want);
  });

  it("fails on a missing heading, so a renamed section cannot pass by reading nothing", () => {
    expect(() => tableAfter("## No such section", "| code |")).toThrow(/no heading/);
  });
});
