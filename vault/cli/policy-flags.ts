// The policy flags shared by `grants issue` (a grant's own policy) and `secrets add` /
// `secrets policy` (the secret's floor), so both read the same way.
import type { Command } from "commander";
import type { GrantPolicy } from "../grant-types.js";
import { parseDuration, usage } from "./common.js";
import { flagValue, shown } from "../quote.js";
import { parseApprovalGate } from "../policy/approval-gate.js";

export interface PolicyFlags {
  expires?: string;
  ttl?: string;
  requireApproval?: boolean;
  timeWindow?: string;
  days?: string;
  ip?: string[];
  groups?: string[];
  approveOperations?: string[];
  approveMethods?: string[];
  approveClass?: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** Adds the policy options; `what` says whose policy it is in the help ("the grant", "every grant"). */
export function withPolicyFlags(cmd: Command, what: string): Command {
  return cmd
    .option("--expires <iso>", `${what}: expiry date-time (ISO 8601)`)
    .option("--ttl <duration>", `${what}: maximum lifetime from the grant's creation: 3600, 30m, 12h, 7d`)
    .option("--require-approval", `${what}: every call needs a person's approval (proxy mode only)`)
    .option("--time-window <window>", `${what}: usable only between two times in a time zone: 09:00-17:00@Europe/Paris`)
    .option("--days <list>", "with --time-window: weekdays, e.g. mon,tue,wed,thu,fri")
    .option("--ip <cidr>", `${what}: allowed caller address range (repeatable or comma list): 10.0.0.0/8, 2001:db8::/32`, collect)
    .option("--groups <ids>", `${what}: only end users in one of these IDP groups (repeatable or comma list)`, collect)
    .option("--approve-operations <globs>", `${what}: calls to these operation ids need a person's approval, * matches anything: 'issues/*' (repeatable or comma list; proxy mode only)`, collect)
    .option("--approve-methods <list>", `${what}: calls with these HTTP methods need a person's approval: POST,DELETE (proxy mode only)`, collect)
    .option("--approve-class <class>", `${what}: calls of this class need a person's approval: write (not GET/HEAD) or destructive (proxy mode only)`, collect);
}

/** "09:00-17:00@Europe/Paris" */
export function parseTimeWindow(text: string, days?: string): NonNullable<GrantPolicy["timeWindow"]> {
  const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})@(.+)$/.exec(text.trim());
  if (!m) usage(`${flagValue("--time-window", text)} must look like 09:00-17:00@Europe/Paris.`);
  const w: NonNullable<GrantPolicy["timeWindow"]> = { start: m[1]!, end: m[2]!, timeZone: m[3]! };
  if (days !== undefined) {
    w.days = days.split(",").map((d) => {
      const t = d.trim().toLowerCase();
      const i = /^\d$/.test(t) ? Number(t) : DAY_NAMES.indexOf(t.slice(0, 3));
      if (i < 0 || i > 6) usage(`${flagValue("--days", d)} is not a weekday (mon…sun or 0-6, 0 = Sunday).`);
      return i;
    });
  }
  return w;
}

export function policyFromFlags(flags: PolicyFlags): GrantPolicy {
  if (flags.days && !flags.timeWindow) usage("--days only applies with --time-window.");
  const policy: GrantPolicy = {};
  if (flags.expires !== undefined) {
    if (Number.isNaN(Date.parse(flags.expires))) usage(`${flagValue("--expires", flags.expires)} is not an ISO date-time such as 2026-12-31T23:59:00Z.`);
    policy.expiresAt = new Date(flags.expires).toISOString();
  }
  if (flags.ttl !== undefined) policy.maxTtlSeconds = parseDuration(flags.ttl, "--ttl");
  if (flags.requireApproval) policy.requireApproval = true;
  if (flags.timeWindow !== undefined) policy.timeWindow = parseTimeWindow(flags.timeWindow, flags.days);
  if (flags.ip?.length) policy.ipAllowlist = flags.ip;
  if (flags.groups?.length) policy.groups = flags.groups;
  const gate = approvalGateFromFlags(flags);
  if (gate) policy.requireApprovalFor = gate;
  return policy;
}

function approvalGateFromFlags(flags: PolicyFlags): GrantPolicy["requireApprovalFor"] {
  const input = {
    ...(flags.approveOperations?.length ? { operations: flags.approveOperations } : {}),
    ...(flags.approveMethods?.length ? { methods: flags.approveMethods } : {}),
    ...(flags.approveClass?.length ? { classes: flags.approveClass } : {}),
  };
  if (Object.keys(input).length === 0) return undefined;
  const gate = parseApprovalGate(input, "approval");
  if (typeof gate === "string") {
    // Name the flag, not the policy field the flag fills.
    usage(gate.replace("approval.operations", "--approve-operations").replace("approval.methods", "--approve-methods").replace("approval.classes", "--approve-class"));
  }
  return gate;
}

/** "approval for operation issues/*, method POST, class write" */
export function approvalGateSummary(g: NonNullable<GrantPolicy["requireApprovalFor"]>): string {
  const parts = [
    ...(g.operations ?? []).map((o) => `operation ${shown(o)}`),
    ...(g.methods ?? []).map((m) => `method ${m}`),
    ...(g.classes ?? []).map((c) => `class ${c}`),
  ];
  return `approval for ${parts.join(", ")}`;
}

/** One line for tables: "approval, ttl 1h, 09:00-17:00@UTC, ip 10.0.0.0/8, groups eng". */
export function policySummary(p: GrantPolicy): string {
  const parts: string[] = [];
  if (p.requireApproval) parts.push("approval");
  if (p.requireApprovalFor) parts.push(approvalGateSummary(p.requireApprovalFor));
  if (p.maxTtlSeconds !== undefined) parts.push(`ttl ${p.maxTtlSeconds}s`);
  if (p.expiresAt) parts.push(`until ${p.expiresAt}`);
  if (p.timeWindow) parts.push(`${p.timeWindow.start}-${p.timeWindow.end}@${p.timeWindow.timeZone}${p.timeWindow.days ? ` days ${p.timeWindow.days.join(",")}` : ""}`);
  if (p.ipAllowlist) parts.push(`ip ${p.ipAllowlist.join(",")}`);
  // Group ids are typed by the operator: repeated only through quote.ts.
  if (p.groups) parts.push(`groups ${p.groups.map(shown).join(",")}`);
  return parts.join(", ");
}
