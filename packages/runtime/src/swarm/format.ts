/**
 * The one renderer of a Swarm plan (preview text); `--json` prints the plan itself, which never
 * holds a secret's content, and sensitive fields arrive as `(sensitive)` from the diff.
 */
import type { FieldChange } from "../desired/spec";
import type { SwarmPlan, SwarmStep } from "./types";

export interface SwarmFormatOptions {
  readonly color?: boolean;
  /** "plan" (default) or "destroy plan". */
  readonly title?: string;
}

export interface SwarmPlanSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}

export function summarizeSwarm(plan: SwarmPlan): SwarmPlanSummary {
  const n = (op: SwarmStep["op"]) => plan.steps.filter((s) => s.op === op).length;
  return { add: n("create"), change: n("update"), remove: n("remove") };
}

function value(v: unknown): string {
  if (v === undefined) return "(unset)";
  return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
}

export function formatChange(c: FieldChange): string {
  if (c.sensitive) return `${c.path} (sensitive) ${c.before === undefined ? "added" : c.after === undefined ? "removed" : "changed"}`;
  return `${c.path} ${value(c.before)} → ${value(c.after)}`;
}

function seconds(ns: number): string {
  return `${+(ns / 1e9).toFixed(3)}s`;
}

function describe(s: SwarmStep): string {
  if (s.kind !== "service") return s.op === "remove" && s.cause === "old version" ? `${s.engineName} (old version)` : s.engineName;
  if (s.op === "create") return `${s.image ?? ""}${s.replicas !== undefined ? ` (${s.replicas} replica${s.replicas === 1 ? "" : "s"})` : " (global)"}`;
  if (s.op === "remove") return `${s.engineName} removed${s.cause === "destroy" ? "" : ` (${s.cause})`}`;
  const changes = s.changes ?? [];
  const scale = changes.find((c) => c.path === "replicas");
  const rest = changes.filter((c) => c.path !== "replicas");
  const parts: string[] = [];
  if (scale) parts.push(`scale ${String(scale.before ?? "?")} → ${String(scale.after)}`);
  if (s.rolling) {
    const r = s.rolling;
    const tasks = r.tasks ? `${r.tasks} task${r.tasks === 1 ? "" : "s"}` : "every task";
    parts.push(
      `rolling update of ${tasks} (${r.parallelism} at a time, ${r.order}${r.delay ? `, ${seconds(r.delay)} apart` : ""}, on failure ${r.failureAction})`,
    );
  } else if (rest.length) parts.push("in place");
  const head = parts.join("; ");
  return rest.length ? `${head}: ${rest.map(formatChange).join("; ")}` : head;
}

const SIGN = { create: "+", update: "~", remove: "-" } as const;
const RANK = { network: 0, secret: 1, config: 2, service: 3 } as const;

export function formatSwarmPlan(plan: SwarmPlan, options: SwarmFormatOptions = {}): string {
  const paint = (code: number) => (s: string) => (options.color ? `\u001b[${code}m${s}\u001b[39m` : s);
  const colors = { "+": paint(32), "~": paint(33), "-": paint(31) };
  const lines = [`Berth swarm ${options.title ?? "plan"} for stack "${plan.stack}" (${plan.endpoint})`];
  const steps = [...plan.steps].sort((a, b) => RANK[a.kind] - RANK[b.kind] || a.resource.localeCompare(b.resource) || a.engineName.localeCompare(b.engineName));
  const width = Math.max(8, ...steps.filter((s) => s.kind === "service").map((s) => s.resource.length)) + 1;
  for (const s of steps) {
    const sign = SIGN[s.op];
    const label = s.kind === "service" ? s.resource.padEnd(width) : "";
    lines.push(colors[sign](`  ${sign} ${s.kind.padEnd(8)} ${label}${describe(s)}`.trimEnd()));
  }
  for (const b of plan.blockers) lines.push(paint(31)(`  ! ${b}`));
  const sum = summarizeSwarm(plan);
  lines.push(
    steps.length
      ? `Plan: ${sum.add} to add, ${sum.change} to change, ${sum.remove} to remove.`
      : plan.blockers.length
        ? "Nothing can be applied until the problems above are fixed."
        : "No changes.",
  );
  return `${lines.join("\n")}\n`;
}
