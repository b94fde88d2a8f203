// The Chromium the browser tests drive: the build that the dev dependency @sparticuz/chromium ships
// inside its npm package, so `npm install` brings it on any Linux x64 machine with nothing
// downloaded at install time and nothing apt-installed. Its package holds the binary and the NSS
// libraries it links against as brotli files; they are unpacked once into
// node_modules/.cache/alter-gen-chromium/<version>/ and the binary runs with that lib/ folder first
// on LD_LIBRARY_PATH, so it needs nothing from the system but glibc.
//
// We unpack the files ourselves instead of calling the package's executablePath(): that one writes
// to a fixed /tmp/chromium shared by every process and version, and treats a half-written file as
// done, which parallel test workers would race on. Here a folder is complete or absent (written
// under a temporary name, then renamed).
//
// CHROMIUM_PATH=/path/to/chrome overrides it (for example on macOS or arm64, where the packaged
// build cannot run); nothing else is ever picked up from the machine.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync } from "node:zlib";

export const CHROMIUM_PACKAGE = "@sparticuz/chromium";

export interface ChromiumBinary {
  executablePath: string;
  /** Extra environment for the browser process (the packaged NSS libraries). */
  env: Record<string, string>;
  /** Where it came from, for error messages. */
  source: string;
}

/** Thrown when there is no usable browser; the message says what to do. */
export class BrowserSetupError extends Error {
  override name = "BrowserSetupError";
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function chromiumPackageDir(): string {
  const require = createRequire(join(projectRoot, "package.json"));
  let entry: string;
  try {
    entry = require.resolve(CHROMIUM_PACKAGE);
  } catch {
    throw new BrowserSetupError(`The browser tests need the dev dependency ${CHROMIUM_PACKAGE}, which is not installed: run \`npm install\` in ${projectRoot}.`);
  }
  let dir = dirname(entry);
  while (!existsSync(join(dir, "package.json")) || !existsSync(join(dir, "bin"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new BrowserSetupError(`Cannot find the folder of ${CHROMIUM_PACKAGE} above ${entry}; run \`npm install\`.`);
    dir = parent;
  }
  return dir;
}

/** The browser to launch: CHROMIUM_PATH when set, else the packaged build (unpacked on first use). */
export function ensureChromium(env: NodeJS.ProcessEnv = process.env): ChromiumBinary {
  const override = env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new BrowserSetupError(`CHROMIUM_PATH=${override} does not exist. Unset it to use the Chromium of the dev dependency ${CHROMIUM_PACKAGE}.`);
    return { executablePath: override, env: {}, source: `CHROMIUM_PATH=${override}` };
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new BrowserSetupError(
      `The Chromium of ${CHROMIUM_PACKAGE} is a Linux x64 build; on ${process.platform}/${process.arch} set CHROMIUM_PATH to a Chrome or Chromium binary to run the browser tests.`,
    );
  }
  const pkgDir = chromiumPackageDir();
  const version = (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  const target = join(projectRoot, "node_modules", ".cache", "alter-gen-chromium", version);
  if (!existsSync(join(target, "chromium"))) unpack(join(pkgDir, "bin"), target);
  return {
    executablePath: join(target, "chromium"),
    env: { LD_LIBRARY_PATH: [join(target, "lib"), env.LD_LIBRARY_PATH].filter(Boolean).join(":") },
    source: `${CHROMIUM_PACKAGE}@${version} (unpacked in ${target})`,
  };
}

function unpack(binDir: string, target: string): void {
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(temp, { recursive: true });
    writeFileSync(join(temp, "chromium"), brotliDecompressSync(readFileSync(join(binDir, "chromium.br"))), { mode: 0o755 });
    // al2023.tar.br: lib/libnss3.so and the rest of NSS, NSPR and expat.
    extractTar(brotliDecompressSync(readFileSync(join(binDir, "al2023.tar.br"))), temp);
    try {
      renameSync(temp, target);
    } catch (error) {
      // Another worker finished first: its copy is as good as ours.
      if (!existsSync(join(target, "chromium"))) throw error;
    }
  } catch (error) {
    throw new BrowserSetupError(`Cannot unpack the Chromium of ${CHROMIUM_PACKAGE} from ${binDir} into ${target}: ${(error as Error).message}. Run \`npm ci\` to reinstall it.`);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** A ustar reader for the package's own archives: regular files and folders, nothing else. */
function extractTar(tar: Buffer, into: string): void {
  const field = (block: Buffer, start: number, length: number) => block.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = field(header, 0, 100);
    if (!name) break; // the two zero blocks that end the archive
    const prefix = field(header, 345, 155);
    const path = prefix ? `${prefix}/${name}` : name;
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    const type = field(header, 156, 1) || "0";
    const mode = parseInt(field(header, 100, 8).trim() || "644", 8);
    if (path.split("/").includes("..") || path.startsWith("/")) throw new Error(`unsafe path in archive: ${path}`);
    const dest = join(into, path);
    if (type === "5") mkdirSync(dest, { recursive: true });
    else if (type === "0") {
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, tar.subarray(offset + 512, offset + 512 + size), { mode });
    } else throw new Error(`unsupported entry type "${type}" for ${path}`);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}
