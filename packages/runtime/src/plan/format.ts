/**
 * The one renderer of a plan: the preview text (`dsl diff`, `dsl apply`), and the summary
 * counts that `--json` and the exit codes use. Secrets never reach here: sensitive changes
 * arrive as `(sensitive)` from the diff.
 */
import type { Plan, PlanStep, PlanSummary } from "./types";

export interface FormatOptions {
  /** ANSI colors (+ green, ~ yellow, - red). */
  readonly color?: boolean;
  /** Heading verb: "plan" for diff/apply, "destroy plan" for destroy. */
  readonly title?: string;
}

interface Group {
  readonly kind: PlanStep["kind"];
  readonly resource: string;
  readonly steps: PlanStep[];
}

/** Steps that change something (waits do not). */
export function changeSteps(plan: Plan): PlanStep[] {
  return plan.steps.filter((s) => s.op !== "wait");
}

function groups(plan: Plan): Group[] {
  const out: Group[] = [];
  const rank = { network: 0, volume: 1, service: 2 } as const;
  for (const step of changeSteps(plan)) {
    let g = out.find((x) => x.kind === step.kind && x.resource === step.resource);
    if (!g) out.push((g = { kind: step.kind, resource: step.resource, steps: [] }));
    g.steps.push(step);
  }
  return out.sort((a, b) => rank[a.kind] - rank[b.kind] || a.resource.localeCompare(b.resource));
}

type Sign = "+" | "~" | "-";

function signOf(g: Group): Sign {
  if (g.steps.every((s) => s.op === "create")) return "+";
  if (g.steps.every((s) => s.op === "remove")) return "-";
  return "~";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function describe(g: Group): string {
  if (g.kind !== "service") return g.steps[0].engineName;
  const by = (op: PlanStep["op"]) => g.steps.filter((s) => s.op === op);
  const parts: string[] = [];
  const created = by("create");
  const recreated = by("recreate");
  const started = by("start");
  const restarted = by("restart");
  const removed = by("remove");
  if (created.length === g.steps.length) parts.push(`${created[0].image ?? ""}${created.length > 1 ? ` (${created.length} containers)` : ""}`);
  else if (created.length) parts.push(`+${plural(created.length, "container")}`);
  if (recreated.length) parts.push(`recreate${recreated.length > 1 ? ` ${recreated.length}` : ""}: ${recreated[0].cause}`);
  if (started.length) parts.push(`start: ${started.map((s) => s.cause).join("; ")}`);
  if (restarted.length) parts.push(`restart${restarted.length > 1 ? ` ${restarted.length}` : ""}: ${restarted[0].cause}`);
  if (removed.length)
    parts.push(`${plural(removed.length, "container")} removed${/^(scale|service not enabled)/.test(removed[0].cause) ? ` (${removed[0].cause})` : ""}`);
  return parts.join("; ");
}

export function summarize(plan: Plan): PlanSummary {
  let add = 0;
  let change = 0;
  let remove = 0;
  for (const g of groups(plan)) {
    const sign = signOf(g);
    if (sign === "+") add++;
    else if (sign === "-") remove++;
    else change++;
  }
  return { add, change, remove };
}

export function isEmptyPlan(plan: Plan): boolean {
  return changeSteps(plan).length === 0;
}

export function formatPlan(plan: Plan, options: FormatOptions = {}): string {
  const paint = (code: number) => (s: string) => (options.color ? `\u001b[${code}m${s}\u001b[39m` : s);
  const colors: Record<Sign, (s: string) => string> = { "+": paint(32), "~": paint(33), "-": paint(31) };
  const lines = [`Berth ${options.title ?? "plan"} for "${plan.project}" (${plan.endpoint})`];
  const gs = groups(plan);
  const width = Math.max(8, ...gs.map((g) => g.resource.length)) + 1;
  for (const g of gs) {
    const sign = signOf(g);
    const label = g.kind === "service" ? g.resource.padEnd(width) : "";
    lines.push(colors[sign](`  ${sign} ${g.kind.padEnd(8)} ${label}${describe(g)}`.trimEnd()));
  }
  for (const b of plan.blockers) lines.push(paint(31)(`  ! ${b.message}`));
  const s = summarize(plan);
  let footer = gs.length ? `Plan: ${s.add} to add, ${s.change} to change, ${s.remove} to remove.` : "No changes.";
  if (plan.keptVolumes.length) footer += ` (volumes kept: ${plan.keptVolumes.join(", ")} — use --volumes to remove)`;
  lines.push(footer);
  const slow = changeSteps(plan).filter((st) => (st.op === "recreate" || (st.op === "remove" && st.kind === "service")) && st.mayWaitForStop);
  if (slow.length) {
    const t = Math.max(...slow.map((st) => st.stopTimeoutSeconds ?? 10));
    lines.push(`Note: ${plural(slow.length, "container")} without init: a stop may wait up to ${t}s if PID 1 ignores SIGTERM (set init: true).`);
  }
  return `${lines.join("\n")}\n`;
}
