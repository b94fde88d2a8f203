// The diff report a person reads: breaking first, what touches the consumer's code before the
// rest, and a pull-request body that stays under GitHub's size limit however large the diff.
import { describe, expect, it } from "vitest";
import type { ApiChange, DiffReport } from "../../generator/diff/changes.js";
import { markdownReport, textReport } from "../../generator/diff/report.js";

const change = (method: string, impact: ApiChange["impact"], sites: number[] = []): ApiChange => ({
  kind: impact === "additive" ? "method-added" : "method-removed",
  impact,
  method,
  message: `\`${method}\` was ${impact === "additive" ? "added" : "removed"}.`,
  ...(sites.length ? { callSites: sites.map((line) => ({ file: "src/app.ts", line, column: 3, text: `use(${method})` })) } : {}),
});

function report(changes: ApiChange[], project?: string): DiffReport {
  const summary = { breaking: 0, deprecated: 0, additive: 0 };
  for (const c of changes) summary[c.impact]++;
  return { clients: [{ id: "shop", dir: "clients/shop", existed: true, changes, summary }], summary, ...(project ? { project } : {}) };
}

describe("diff reports", () => {
  it("markdown: with a project, the breaking changes that touch its code first, with their lines", () => {
    const md = markdownReport(report([change("a.gone", "breaking"), change("b.used", "breaking", [7, 9]), change("c.new", "additive")], "tsconfig.json"));
    expect(md).toContain("1 touches your code:\n\n| Method | Change | Your code |\n| --- | --- | --- |\n| `b.used` | `b.used` was removed. | `src/app.ts:7`<br>`src/app.ts:9` |");
    expect(md).toContain("<summary>1 touches none of your code</summary>\n\n| Method | Change |\n| --- | --- |\n| `a.gone` | `a.gone` was removed. |");
    expect(md.indexOf("#### Breaking")).toBeLessThan(md.indexOf("#### Added"));
  });

  it("markdown: without a project, no column for call sites", () => {
    const md = markdownReport(report([change("a.gone", "breaking")]));
    expect(md).toContain("| Method | Change |\n| --- | --- |\n| `a.gone` | `a.gone` was removed. |");
    expect(md).not.toContain("Your code");
  });

  it("markdown stays under GitHub's pull-request size limit", () => {
    const many = Array.from({ length: 5000 }, (_, i) => change(`ns.method${i}WithALongName`, "breaking"));
    const md = markdownReport(report(many));
    expect(md.length).toBeLessThan(65_536);
    expect(md).toMatch(/…and \d+ more: `alter-gen diff --json` lists them all\./);
  });

  it("text: every change with its call sites", () => {
    const text = textReport(report([change("b.used", "breaking", [7])]));
    expect(text).toBe("shop (clients/shop): 1 breaking, 0 deprecated, 0 additive\n  breaking   `b.used` was removed.\n             used at src/app.ts:7:3  use(b.used)\n");
  });
});
