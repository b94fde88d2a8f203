// `alter-gen list`: the provider catalog as a table.
import path from "node:path";
import { loadCatalog } from "../../catalog/index.js";
import type { CommandIO } from "./io.js";

export async function runList(catalogDir: string | undefined, io: CommandIO): Promise<number> {
  const catalog = await loadCatalog(catalogDir ? path.resolve(io.cwd, catalogDir) : undefined);
  const rows = catalog.providers.map((p) => [p.id, p.name, p.namespaceBy, p.baseUrl, `${p.source.package}@${p.source.version}`]);
  const head = ["ID", "NAME", "NAMESPACES BY", "BASE URL", "DOCUMENT"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ") + "\n";
  io.stdout(fmt(head) + rows.map(fmt).join(""));
  return 0;
}
