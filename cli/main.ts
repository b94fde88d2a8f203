// The alter-gen program: the generator's commands (generator/commands/) and, loaded only when
// `vault` is run, the vault's (vault/cli/). Every expected failure is printed as one paragraph
// with exit code 2; anything else is an internal error (70) that asks for a report.
import { Command, CommanderError } from "commander";
import { closest, InputError } from "../catalog/index.js";
import { registerGeneratorCommands } from "../generator/commands/index.js";
// From io.ts itself, so the published declarations of main() need only that file (scripts/pack.mjs).
import type { CommandIO } from "../generator/commands/io.js";
import { GENERATOR_VERSION } from "../generator/version.js";
import { statusLine, writeTo } from "./output.js";

export type CliIO = CommandIO;

const defaultIO: CliIO = {
  stdout: (t) => writeTo(process.stdout, t),
  stderr: (t) => writeTo(process.stderr, t),
  cwd: process.cwd(),
};
const status = statusLine(process.stderr, process.env);
if (status) defaultIO.progress = status;

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  let exitCode = 0;
  const program = new Command("alter-gen");
  program
    .description(
      "Generate typed API clients from OpenAPI documents. Clients call providers through the alter-gen vault, so application code never holds a token.",
    )
    .version(GENERATOR_VERSION, "-v, --version", "print the alter-gen version")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride();
  registerGeneratorCommands(program, io, (code) => (exitCode = code));
  // Listed in --help here; the real commands are registered only when `vault` is run.
  program.command("vault").description("run and administer the local alter-gen vault (alter-gen vault --help)");
  program.command("mcp").description("serve a provider's tools to an MCP host, every call through the vault (alter-gen mcp --help)");

  try {
    if (argv[0] === "vault") return await runVault(argv, io);
    if (argv[0] === "mcp") return await runMcpCommand(argv, io);
    checkCommand(argv[0], program);
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    return reportError(err, io, "alter-gen");
  }
}

/**
 * The default command takes no arguments, so without this a mistyped command (`alter-gen lst`)
 * would be reported by commander as "too many arguments".
 */
function checkCommand(word: string | undefined, program: Command): void {
  if (word === undefined || word.startsWith("-")) return;
  const names = program.commands.map((c) => c.name()).concat("help");
  if (names.includes(word)) return;
  const [hint] = closest(word, names, 1);
  throw new CommanderError(2, "commander.unknownCommand", `unknown command '${word}'${hint ? ` (did you mean ${hint}?)` : ""}`);
}

/** Commander's message as one line: no "error: " prefix, its "(Did you mean …?)" kept inline. */
function commanderMessage(message: string): string {
  return message
    .replace(/^error: /, "")
    .replace(/\s*\n\s*\(Did you mean (.+?)\?\)/, " (did you mean $1?)")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\.$/, "");
}

async function runVault(argv: string[], io: CliIO): Promise<number> {
  // Imported on demand so generator runs never load the vault's dependencies (SQLite, OAuth).
  const { registerVaultCommands, maskSecrets } = await import("../vault/cli/index.js");
  // Vault commands take secrets: no error text (commander's, an admin function's, an internal
  // one) reaches the terminal with a value that looks like one (vault/quote.ts).
  const errIO: CliIO = { ...io, stderr: (text) => io.stderr(maskSecrets(text)) };
  const program = new Command("alter-gen").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: errIO.stderr, outputError: () => {} });
  registerVaultCommands(program);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    return reportError(err, errIO, "alter-gen vault");
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

async function runMcpCommand(argv: string[], io: CliIO): Promise<number> {
  // Imported on demand so that no other command loads the MCP SDK (an optional dependency).
  let mcp: typeof import("./mcp.js");
  try {
    mcp = await import("./mcp.js");
  } catch (err) {
    const missing = /Cannot find (?:package|module) '(@modelcontextprotocol\/[a-z]+|alter-gen)'/.exec(String((err as Error).message))?.[1];
    if (!missing) throw err;
    io.stderr(`alter-gen: alter-gen mcp needs ${missing}, which is not installed: npm install --save-dev @modelcontextprotocol/server @modelcontextprotocol/node\n`);
    return 2;
  }
  const { mcpCommand, runMcp } = mcp;
  const program = new Command("alter-gen").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
  // The server runs until the process is told to stop or, over stdio, its host closes stdin.
  const stopped = (transport: "stdio" | "http") =>
    new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
      if (transport === "stdio") process.stdin.once("close", () => resolve()).once("end", () => resolve());
    });
  const command = mcpCommand().exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
  program.addCommand(command.action(async (flags) => runMcp(flags, io, stopped)));
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    return reportError(err, io, "alter-gen mcp");
  }
}

/** `helpFor`: the command whose --help a usage error points at. */
function reportError(err: unknown, io: CliIO, helpFor: string): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
    io.stderr(`alter-gen: ${commanderMessage(err.message)}. See ${helpFor} --help.\n`);
    return 2;
  }
  if (err instanceof InputError) {
    io.stderr(`alter-gen: ${err.describe()}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`alter-gen: internal error: ${message.split("\n")[0]}. This is a bug in alter-gen; please report it with the command you ran.\n`);
  if (process.env.ALTER_GEN_DEBUG === "1" && err instanceof Error && err.stack) io.stderr(err.stack + "\n");
  return 70;
}
