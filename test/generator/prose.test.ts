// Descriptions as a reader sees them in a hover: HTML as markdown, relative links absolute
// against the provider's documentation site, identifier titles left out (spec/prose.ts,
// spec/html-markdown.ts, emit/jsdoc.ts), and an invariant over every checked-in client.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { documentationTitle } from "../../generator/emit/jsdoc.js";
import { htmlToMarkdown } from "../../generator/spec/html-markdown.js";
import { docsLinkBaseOf, prose, rewriteProse } from "../../generator/spec/prose.js";

describe("htmlToMarkdown", () => {
  const cases: [string, { given: string; want: string }][] = [
    ["text without tags is kept as it is", { given: "Plain **markdown** [x](/y)\n\n  indented", want: "Plain **markdown** [x](/y)\n\n  indented" }],
    ["angle brackets that are not tags stay", { given: "Array<string> or refs/heads/<branch name>", want: "Array<string> or refs/heads/<branch name>" }],
    ["paragraphs", { given: "<p>One.</p><p>Two.</p>", want: "One.\n\nTwo." }],
    ["Stripe's link in a paragraph", { given: '<p>Updates the customer’s credit <a href="/docs/billing/customer/balance">balance</a>.</p>', want: "Updates the customer’s credit [balance](/docs/billing/customer/balance)." }],
    ["code and emphasis", { given: "Set <code>default_source</code>, <b>not</b> <em>this</em> <strong>one</strong>.", want: "Set `default_source`, **not** _this_ **one**." }],
    ["line breaks end a paragraph", { given: "Toll number.<br>Free number.<br/>Media<br />", want: "Toll number.\n\nFree number.\n\nMedia" }],
    ["a line break in a table row stays", { given: "<p>Table:</p>\n| a<br>b | c |", want: "Table:\n\n| a<br>b | c |" }],
    ["an unordered list", { given: "Kinds:<ul><li>one</li><li>two</li></ul>After.", want: "Kinds:\n\n- one\n- two\n\nAfter." }],
    ["an ordered list, nested", { given: "<ol><li>a<ul><li>x</li></ul></li><li>b</li></ol>", want: "1. a\n  - x\n2. b" }],
    ["a preformatted block", { given: "<p>Run:</p><pre><code>a &lt; b\n  c</code></pre>", want: "Run:\n\n```\na < b\n  c\n```" }],
    ["a heading", { given: "<h3>Limits</h3><p>Ten.</p>", want: "### Limits\n\nTen." }],
    ["a link whose target has spaces", { given: '<a href="/docs/a b">x</a>', want: "[x](</docs/a b>)" }],
    ["a link without text shows its target", { given: '<a href="https://x.example/a"></a>', want: "[https://x.example/a](https://x.example/a)" }],
    ["a tag inside a code span is text", { given: "Wrap it in `<p>` tags.<br>Then send.", want: "Wrap it in `<p>` tags.\n\nThen send." }],
    ["unknown tags and attributes", { given: '<aside class="note"><span>Note:</span> careful</aside>', want: "Note: careful" }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(htmlToMarkdown(given)).toBe(want);
  });
});

describe("links against the documentation site", () => {
  const stripe = "https://stripe.com";
  const cases: [string, { given: string; base: string | undefined; want: string }][] = [
    ["a root-relative markdown link", { given: "See [Radar](/radar).", base: stripe, want: "See [Radar](https://stripe.com/radar)." }],
    ["a converted HTML link", { given: '<a href="/docs/api#update_customer">update</a>', base: stripe, want: "[update](https://stripe.com/docs/api#update_customer)" }],
    ["a path without a leading slash", { given: "[x](docs/a)", base: stripe, want: "[x](https://stripe.com/docs/a)" }],
    ["an absolute link is kept", { given: "[x](https://docs.github.com/rest)", base: stripe, want: "[x](https://docs.github.com/rest)" }],
    ["a fragment and a mailto are kept", { given: "[a](#b) [m](mailto:x@y.example)", base: stripe, want: "[a](#b) [m](mailto:x@y.example)" }],
    ["an angle-bracket destination", { given: "[x](</docs/a b>)", base: stripe, want: "[x](<https://stripe.com/docs/a b>)" }],
    ["a base with a path (Zoom)", { given: "[plan type.](/api-reference/other-references/plans)", base: "https://marketplace.zoom.us/docs", want: "[plan type.](https://marketplace.zoom.us/docs/api-reference/other-references/plans)" }],
    ["without a base nothing is guessed", { given: "[x](/docs/a)", base: undefined, want: "[x](/docs/a)" }],
  ];
  it.each(cases)("%s", (_name, { given, base, want }) => {
    expect(prose(given, base)).toBe(want);
  });

  it("takes the catalog's docsLinkBase, else the document's externalDocs origin, else none", () => {
    expect(docsLinkBaseOf({ externalDocs: { url: "https://docs.github.com/rest/" } }, "https://stripe.com")).toBe("https://stripe.com");
    expect(docsLinkBaseOf({ externalDocs: { url: "https://docs.github.com/rest/" } })).toBe("https://docs.github.com");
    expect(docsLinkBaseOf({ externalDocs: { url: "/relative" } })).toBeUndefined();
    expect(docsLinkBaseOf({})).toBeUndefined();
  });

  it("rewrites prose everywhere but in data, and leaves server URLs alone", () => {
    const doc: Record<string, any> = {
      servers: [{ url: "/v1", description: "<p>Live</p>" }],
      paths: {
        "/a": {
          get: {
            summary: "<b>List</b>",
            description: '<p>See <a href="/docs/x">x</a>.</p>',
            externalDocs: { url: "/docs/a" },
            responses: { "200": { description: "ok", content: { "application/json": { example: { description: "<p>data</p>" }, schema: { $ref: "#/components/schemas/S" } } } } },
          },
        },
      },
      components: {
        schemas: {
          S: {
            type: "object",
            description: "A <code>S</code>.",
            properties: { description: { type: "string", description: "<p>The text.</p>" }, kind: { type: "string", enum: ["a"], "x-enum-descriptions": ["First <br/>"] } },
            default: { description: "<p>kept</p>" },
          },
        },
      },
    };
    rewriteProse(doc, "https://stripe.com");
    const op = doc.paths["/a"].get;
    expect(op.summary).toBe("**List**");
    expect(op.description).toBe("See [x](https://stripe.com/docs/x).");
    expect(op.externalDocs.url).toBe("https://stripe.com/docs/a");
    expect(doc.servers[0]).toEqual({ url: "/v1", description: "Live" });
    expect(op.responses["200"].content["application/json"].example).toEqual({ description: "<p>data</p>" });
    const s = doc.components.schemas.S;
    expect(s.description).toBe("A `S`.");
    expect(s.properties.description).toEqual({ type: "string", description: "The text." });
    expect(s.properties.kind["x-enum-descriptions"]).toEqual(["First"]);
    expect(s.default).toEqual({ description: "<p>kept</p>" });
  });
});

describe("schema titles in JSDoc", () => {
  const cases: [string, { given: string | undefined; want: string | undefined }][] = [
    ["a snake_case identifier", { given: "balance_settings_param", want: undefined }],
    ["a PascalCase name", { given: "Repository", want: undefined }],
    ["a dotted name", { given: "v1.Status", want: undefined }],
    ["a sentence", { given: "Simple User", want: "Simple User" }],
    ["none", { given: undefined, want: undefined }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(documentationTitle(given)).toBe(want);
  });
});

describe("every checked-in client's hovers", () => {
  const root = path.resolve("generated");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".d.ts"));
  it("hold no HTML paragraphs or links, no relative links and no identifier-only titles from Stripe", () => {
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(root, file), "utf8");
      for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
        // Code (fenced blocks, inline spans) is shown as written: Bitbucket's JSON examples quote HTML.
        const prose = comment.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
        if (/<\/?(p|a|code|ul|li|strong)\b[^>]*>/.test(prose)) found.push(`${file}: HTML in ${comment.slice(0, 80)}`);
        if (/\]\(\/[^)]*\)/.test(comment)) found.push(`${file}: relative link in ${comment.slice(0, 80)}`);
      }
    }
    expect(files.length).toBeGreaterThan(100);
    expect(found).toEqual([]);
    const stripe = readFileSync(path.join(root, "stripe/schemas.d.ts"), "utf8");
    expect(stripe).not.toMatch(/\/\*\* [a-z]+(_[a-z]+)+ \*\//);
  });
});

describe("docsLinkBase in a config file", () => {
  const spec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      description: '<p>Lists things, see <a href="/docs/things">the guide</a>.</p>'
      responses: {"200": {description: ok}}
`;
  async function generate(entry: string) {
    const dir = mkdtempSync(path.join(tmpdir(), "alter-gen-links-"));
    writeFileSync(path.join(dir, "t.yaml"), spec);
    writeFileSync(path.join(dir, "alter-gen.config.yaml"), `out: ./out\nproviders:\n  - {id: t, spec: ./t.yaml${entry}}\n`);
    let stderr = "";
    const code = await main(["-q"], { stdout: () => {}, stderr: (t) => void (stderr += t), cwd: dir });
    const read = () => readFileSync(path.join(dir, "out/t/things.d.ts"), "utf8");
    return { code, stderr, read, done: () => rmSync(dir, { recursive: true, force: true }) };
  }

  it("makes a --spec document's relative links absolute", async () => {
    const r = await generate(", docsLinkBase: 'https://things.example.com'");
    expect(r.code).toBe(0);
    expect(r.read()).toContain("Lists things, see [the guide](https://things.example.com/docs/things).");
    r.done();
  });

  it("refuses a base with a trailing slash, naming the entry", async () => {
    const r = await generate(", docsLinkBase: 'https://things.example.com/'");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/docsLinkBase must be an http\(s\) URL without a query, fragment or trailing slash.*at \/providers\/0\/docsLinkBase/);
    r.done();
  });
});
