/**
 * The one renderer of plans, for every target: the preview text (`dsl diff`, `dsl apply`),
 * and the summary counts that `--json` and the exit codes use. Secrets never reach here:
 * sensitive changes arrive as `(sensitive)` from the diff, and steps hide values by construction.
 *
 * Compose previews group the actions of one object (a service's containers) on one line;
 * Swarm previews show one line per object (a service, each version of a secret).
 */
import type { FieldChange } from "../desired/spec";
import { compareStrings } from "../internal/sort";
import type { Action, Plan, PlanSummary } from "./types";

export interface FormatOptions {
  /** ANSI colors (+ green, ~ yellow, - red). */
  readonly color?: boolean;
  /** Heading noun: "plan" for diff/apply, "destroy plan" for destroy. */
  readonly title?: string;
  /** What to say after the volumes kept (the CLI names its flag): `use --volumes to remove`. @default "removed only when asked" */
  readonly keptVolumesHint?: string;
}

interface Group {
  readonly kind: Action["kind"];
  readonly resource: string;
  readonly actions: Action[];
}

type Sign = "+" | "~" | "-";

/** Actions that change something (waits do not). */
export function changeActions(plan: Plan): Action[] {
  return plan.actions.filter((a) => a.verb !== "wait");
}

const RANK: Readonly<Record<Action["kind"], number>> = { network: 0, volume: 1, secret: 2, config: 3, service: 4 };

/** Compose: one group per object; Swarm: one per action (each secret version is its own line). */
function groups(plan: Plan): Group[] {
  const out = new Map<string, Group>();
  for (const a of changeActions(plan)) {
    const key = plan.target === "compose" ? `${a.kind}\0${a.resource}` : a.id;
    let g = out.get(key);
    if (!g) out.set(key, (g = { kind: a.kind, resource: a.resource, actions: [] }));
    g.actions.push(a);
  }
  const first = (g: Group) => g.actions[0].engineName;
  return [...out.values()].sort((a, b) => RANK[a.kind] - RANK[b.kind] || compareStrings(a.resource, b.resource) || compareStrings(first(a), first(b)));
}

function signOf(g: Group): Sign {
  if (g.actions.every((a) => a.verb === "create")) return "+";
  if (g.actions.every((a) => a.verb === "remove")) return "-";
  return "~";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function describeCompose(g: Group): string {
  if (g.kind !== "service") return g.actions[0].engineName;
  const by = (verb: Action["verb"]) => g.actions.filter((a) => a.verb === verb);
  const parts: string[] = [];
  const created = by("create");
  const recreated = by("recreate");
  const started = by("start");
  const restarted = by("restart");
  const removed = by("remove");
  if (created.length === g.actions.length) parts.push(`${created[0].image ?? ""}${created.length > 1 ? ` (${created.length} containers)` : ""}`);
  else if (created.length) parts.push(`+${plural(created.length, "container")}`);
  const recoveries = [...new Set(g.actions.map((a) => a.recovery).filter((r): r is string => r !== undefined))];
  if (recoveries.length) parts.push(`recovering ${recoveries.join(", ")}`);
  if (recreated.length) parts.push(`recreate${recreated.length > 1 ? ` ${recreated.length}` : ""}${rollingText(recreated[0].rolling)}: ${recreated[0].cause}`);
  if (started.length) parts.push(`start: ${started.map((s) => s.cause).join("; ")}`);
  if (restarted.length) parts.push(`restart${restarted.length > 1 ? ` ${restarted.length}` : ""}: ${restarted[0].cause}`);
  if (removed.length)
    parts.push(`${plural(removed.length, "container")} removed${/^(scale|service not enabled)/.test(removed[0].cause) ? ` (${removed[0].cause})` : ""}`);
  return parts.join("; ");
}

/** ` (rolling, start-first, 1 at a time, 2s apart, waits for healthy)` for a compose rollout, else nothing. */
function rollingText(r: Action["rolling"]): string {
  if (!r) return "";
  const parts = [
    "rolling",
    r.order,
    `${r.parallelism} at a time`,
    ...(r.delay ? [`${seconds(r.delay)} apart`] : []),
    ...(r.waitsFor ? [`waits for ${r.waitsFor}`] : []),
  ];
  return ` (${parts.join(", ")})`;
}

function value(v: unknown): string {
  return v === undefined ? "(unset)" : JSON.stringify(v);
}

/** One changed field as the Swarm preview names it: `environment.LOG_LEVEL "info" → "debug"`. */
export function formatChange(c: FieldChange): string {
  if (c.sensitive) return `${c.path} (sensitive) ${c.before === undefined ? "added" : c.after === undefined ? "removed" : "changed"}`;
  return `${c.path} ${value(c.before)} → ${value(c.after)}`;
}

function seconds(ns: number): string {
  return `${+(ns / 1e9).toFixed(3)}s`;
}

function describeSwarm(a: Action): string {
  if (a.kind !== "service") return a.verb === "remove" && a.cause === "old version" ? `${a.engineName} (old version)` : a.engineName;
  if (a.verb === "create") return `${a.image ?? ""}${a.replicas !== undefined ? ` (${plural(a.replicas, "replica")})` : " (global)"}`;
  if (a.verb === "remove") return `${a.engineName} removed${a.cause === "destroy" ? "" : ` (${a.cause})`}`;
  const changes = a.changes ?? [];
  const scale = changes.find((c) => c.path === "replicas");
  const rest = changes.filter((c) => c.path !== "replicas");
  const parts: string[] = [];
  if (scale) parts.push(`scale ${String(scale.before ?? "?")} → ${String(scale.after)}`);
  if (a.rolling) {
    const r = a.rolling;
    const tasks = r.tasks ? plural(r.tasks, "task") : "every task";
    parts.push(
      `rolling update of ${tasks} (${r.parallelism} at a time, ${r.order}${r.delay ? `, ${seconds(r.delay)} apart` : ""}, on failure ${r.failureAction})`,
    );
  } else if (rest.length) parts.push("in place");
  const head = parts.join("; ");
  return rest.length ? `${head}: ${rest.map(formatChange).join("; ")}` : head;
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

/** True when applying the plan would change nothing (waits alone change nothing). */
export function isEmptyPlan(plan: Plan): boolean {
  return changeActions(plan).length === 0;
}

function heading(plan: Plan, title: string): string {
  return plan.target === "swarm"
    ? `Berth swarm ${title} for stack "${plan.project}" (${plan.endpoint})`
    : `Berth ${title} for "${plan.project}" (${plan.endpoint})`;
}

export function formatPlan(plan: Plan, options: FormatOptions = {}): string {
  const paint = (code: number) => (s: string) => (options.color ? `\u001b[${code}m${s}\u001b[39m` : s);
  const colors: Record<Sign, (s: string) => string> = { "+": paint(32), "~": paint(33), "-": paint(31) };
  const lines = [heading(plan, options.title ?? "plan")];
  const gs = groups(plan);
  const width = Math.max(8, ...gs.filter((g) => g.kind === "service").map((g) => g.resource.length)) + 1;
  for (const g of gs) {
    const sign = signOf(g);
    const label = g.kind === "service" ? g.resource.padEnd(width) : "";
    const text = plan.target === "swarm" ? describeSwarm(g.actions[0]) : describeCompose(g);
    lines.push(colors[sign](`  ${sign} ${g.kind.padEnd(8)} ${label}${text}`.trimEnd()));
  }
  for (const b of plan.blockers) lines.push(paint(31)(`  ! ${b.message}`));
  const s = summarize(plan);
  let footer = gs.length
    ? `Plan: ${s.add} to add, ${s.change} to change, ${s.remove} to remove.`
    : plan.blockers.length
      ? "Nothing can be applied until the problems above are fixed."
      : "No changes.";
  if (plan.keptVolumes.length) footer += ` (volumes kept: ${plan.keptVolumes.join(", ")} — ${options.keptVolumesHint ?? "removed only when asked"})`;
  lines.push(footer);
  const slow = changeActions(plan).filter((a) => (a.verb === "recreate" || (a.verb === "remove" && a.kind === "service")) && a.mayWaitForStop);
  if (slow.length) {
    const t = Math.max(...slow.map((a) => a.stopTimeoutSeconds ?? 10));
    lines.push(`Note: ${plural(slow.length, "container")} without init: a stop may wait up to ${t}s if PID 1 ignores SIGTERM (set init: true).`);
  }
  return `${lines.join("\n")}\n`;
}
