// The generator's commands on the alter-gen program (cli/main.ts): generate, the default command,
// whose flags are the program's own, and `list`.
import { type Command, Option } from "commander";
import { options } from "../options.js";
import { runDiff, type DiffFlags } from "./diff.js";
import { runGenerate } from "./generate.js";
import type { CommandIO } from "./io.js";
import { runList } from "./list.js";
import type { GenerateFlags } from "./targets.js";

export type { CommandIO } from "./io.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds generate and list to `program`; `done` receives the exit code of the command that ran. */
/** The flags that say which clients and where: generating and `diff` take the same ones. */
function addTargetOptions(command: Command): Command {
  return command
    .addOption(new Option("-p, --provider <id>", "generate the client of a catalog provider (see `alter-gen list`); repeatable").argParser(collect))
    .option("--all", "generate every catalog provider (into --out, by default the workspace's generated/ folder in the alter-gen repository, else ./clients)")
    .option("-s, --spec <file|url>", "generate from any OpenAPI 3.0/3.1 or Swagger 2.0 document (YAML or JSON, a path or an http(s) URL); needs --name")
    .option("-n, --name <id>", "client id for --spec: names the folder and the factory (`petstore` -> createPetstoreClient)")
    .option("-o, --out <dir>", `parent folder; each client goes into <dir>/<id>/ (default: ./${options.out.default}, or generated/ with --all)`)
    .addOption(new Option("-i, --include <list>", "keep only operations with these tags, operation ids, namespaces or namespace.method names; comma list, repeatable").argParser(collect))
    .addOption(new Option("-x, --exclude <list>", "drop operations with these tags, operation ids, namespaces or namespace.method names; comma list, repeatable").argParser(collect))
    .option("-c, --config <file>", `a config file listing several clients (default: ./${options.configFile.default} when no target flag is given)`)
    .addOption(
      new Option("--format <format>", "js: .js data + .d.ts types (cheap for consumers' type-checks); ts: single .ts modules").choices(options.format.values).default(options.format.default),
    )
    .addOption(
      new Option(
        "--method-names <source>",
        "for --spec: `auto` (default): the operationId unless it only echoes the path; `operationId`: always the operationId; `resource`: from HTTP method and path (customers.list, charges.capture)",
      ).choices(options.methodNames.values),
    )
    .addOption(new Option("--tools-include <patterns>", "tools table: only operations matching these patterns (`*` wildcard; ids, namespaces, namespace.method, tags, tool names); comma list, repeatable").argParser(collect))
    .addOption(new Option("--tools-exclude <patterns>", "tools table: leave out operations matching these patterns; comma list, repeatable").argParser(collect))
    .option("--tools-read-only", "tools table: only read-only operations (GET, HEAD, or marked so by x-alter-tool / the catalog)")
    .option("--no-tools", "write no tools.js beside the client")
    .option("-q, --quiet", "print only errors and findings (for CI)")
    .addOption(new Option("--catalog <dir>", "use another specs/ folder as the catalog").hideHelp());
}

/** Adds generate, diff and list to `program`; `done` receives the exit code of the command that ran. */
export function registerGeneratorCommands(program: Command, io: CommandIO, done: (exitCode: number) => void): void {
  // Program flags only before a command name: `alter-gen diff --provider x` is diff's --provider.
  program.enablePositionalOptions();
  addTargetOptions(program)
    .option("--check", "write nothing; exit 1 and list the files that are stale, missing or extra")
    .option("--names", "print every derived name (operationId -> namespace.method) instead of writing files")
    .option("--prettier", "format the files with the prettier your project installs and its configuration (default: alter-gen's own printing in prettier's default style)")
    .addHelpText(
      "after",
      `
Examples:
  alter-gen --provider slack --out ./clients      writes ./clients/slack/
  alter-gen --spec ./petstore.yaml --name petstore
  alter-gen --all --check                         verifies the checked-in generated/ clients
  alter-gen diff --config alter-gen.config.yaml --project tsconfig.json --markdown
                                                  what regenerating would change, for a pull request
  alter-gen list                                  prints the catalog

Exit codes: 0 done, 1 --check found differences (diff: a breaking change), 2 bad input (one
paragraph says what and where), 70 internal error (set ALTER_GEN_DEBUG=1 for the stack).`,
    )
    .action(async (flags: GenerateFlags) => done(await runGenerate(flags, io)));

  addTargetOptions(
    program
      .command("diff")
      .description(
        "what regenerating the clients would change in their public API: methods added, removed or renamed, parameters newly required or removed, response properties removed or changed, enum values removed; breaking vs additive. Exit 1 when a change is breaking.",
      ),
  )
    .option("--json", "print the report as JSON")
    .option("--markdown", "print the report as markdown (for a pull request)")
    .option("--project <tsconfig>", "your tsconfig.json: list the call sites in your code that each breaking or deprecated change touches")
    .action(async (flags: DiffFlags) => done(await runDiff(flags, io)));

  program
    .command("list")
    .description("print the provider catalog: id, name, how operations are grouped into namespaces, base URL and the pinned document")
    .addOption(new Option("--catalog <dir>", "use another specs/ folder as the catalog").hideHelp())
    .action(async (flags: { catalog?: string }) => done(await runList(flags.catalog ?? program.opts<GenerateFlags>().catalog, io)));
}
