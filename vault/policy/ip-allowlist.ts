// IP allowlists: CIDRs (IPv4 and IPv6) checked with node:net's BlockList.
import { BlockList, isIP } from "node:net";

const lists = new Map<string, BlockList>();

/** Parses one CIDR (or a bare address); throws a message naming it. */
export function parseCidr(cidr: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [address, prefixText, extra] = cidr.trim().split("/");
  const version = isIP(address ?? "");
  if (extra !== undefined || version === 0) throw new Error(`"${cidr}" is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix < 0 || prefix > max) {
    throw new Error(`"${cidr}" has an invalid prefix length (0-${max})`);
  }
  return { address: address!, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

function listFor(cidrs: readonly string[]): BlockList {
  const key = cidrs.join(",");
  let list = lists.get(key);
  if (!list) {
    list = new BlockList();
    for (const c of cidrs) {
      const { address, prefix, family } = parseCidr(c);
      list.addSubnet(address, prefix, family);
    }
    if (lists.size > 1000) lists.clear();
    lists.set(key, list);
  }
  return list;
}

/** True when `address` is inside one of `cidrs`; false for anything unparseable (fail closed). */
export function ipAllowed(cidrs: readonly string[], address: string): boolean {
  const bare = address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
  const version = isIP(bare);
  if (version === 0) return false;
  return listFor(cidrs).check(bare, version === 4 ? "ipv4" : "ipv6");
}
