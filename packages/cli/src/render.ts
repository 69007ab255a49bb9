/** Terminal rendering of plans and progress, for every target: the only place that knows about colors and glyphs. */
import { formatPlan, summarize, type ImageProgress, type Plan, type ProgressEvent } from "@berth/runtime";
import { type GlobalOptions, type Io, paint, useColor } from "./io";

/** The preview, and (on stderr) the options the target ignores. */
export function printPlan(plan: Plan, io: Io, opts: GlobalOptions, title?: string): void {
  for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
  io.stdout.write(formatPlan(plan, { color: useColor(io, io.stdout, opts), title, keptVolumesHint: "use --volumes to remove" }));
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "" : `${(ms / 1000).toFixed(1)}s`;
}

/** `service web blog-web-1` for a service's objects, `service web` for a wait, `network blog_default` for the rest. */
export function label(a: ProgressEvent["action"]): string {
  if (a.kind !== "service") return `${a.kind} ${a.engineName}`;
  return a.verb === "wait" || a.engineName === a.resource ? `service ${a.resource}` : `service ${a.resource} ${a.engineName}`;
}

const CONDITION = { service_healthy: "healthy", service_completed_successfully: "completed successfully", ready: "ready" } as const;

/**
 * `web to be healthy` for a dependency wait (its cause says what it waits for); `blog-web-1 to be
 * healthy` for the new container of a rolling recreate (what the rollout waits for).
 */
function waitsFor(a: ProgressEvent["action"], condition: keyof typeof CONDITION): string {
  if (a.verb === "wait") return `${a.resource} to be ${a.cause}`;
  return `${a.engineName} to be ${a.kind === "service" && a.rolling?.waitsFor ? a.rolling.waitsFor : CONDITION[condition]}`;
}

/** `waiting for web to be healthy` when a step that waits begins; undefined for any other event. */
export function waitLine(e: ProgressEvent): string | undefined {
  if (e.type !== "step" || e.status !== "started") return undefined;
  if (e.step.op === "wait.containers") return `waiting for ${waitsFor(e.action, e.step.condition)}`;
  if (e.step.op === "wait.converge") return `waiting for ${e.action.engineName} to converge`;
  return undefined;
}

/**
 * The line an event prints, or "" when it prints none: `  ✓ service web blog-web-1 recreated  0.8s`
 * (the time since the action began) for a milestone, `  … waiting for web to be healthy` when a
 * wait begins, what a long wait reports, and a line for each action that failed or was left undone.
 */
export function progressLine(e: ProgressEvent, c: ReturnType<typeof paint>): string {
  if (e.type === "waiting") return `  … ${e.message}\n`;
  if (e.type === "step") {
    const wait = waitLine(e);
    if (wait) return `  … ${wait}\n`;
    if (e.status === "done" && e.step.milestone)
      return `  ${c.green("✓")} ${label(e.action)} ${e.step.milestone}${e.message ? ` (${e.message})` : ""} ${c.dim(seconds(e.elapsedMs))}\n`;
    return "";
  }
  if (e.status === "failed") return `  ${c.red("✗")} ${label(e.action)}: ${e.message ?? "failed"}\n`;
  if (e.status === "skipped" && e.action.verb !== "wait") return `  ${c.dim(`- ${label(e.action)}: not done`)}\n`;
  return "";
}

/** One line per milestone (see {@link progressLine}), as the events come. */
export function progressPrinter(io: Io, opts: GlobalOptions): (e: ProgressEvent) => void {
  const c = paint(useColor(io, io.stdout, opts));
  return (e) => {
    const line = progressLine(e, c);
    if (line) io.stdout.write(line);
  };
}

/** What an image action is called while it runs, and once it is done. */
export const IMAGE_VERBS = { pull: ["pulling", "pulled"], build: ["building", "built"], push: ["pushing", "pushed"] } as const;

export function imagePrinter(io: Io): (p: ImageProgress) => void {
  return (p) => {
    if (p.event) {
      if (p.action === "build" && p.event.stream && process.env.BERTH_BUILD_OUTPUT) io.stderr.write(p.event.stream);
      return;
    }
    const [doing, done] = IMAGE_VERBS[p.action];
    io.stderr.write(p.status === "started" ? `  ${doing} ${p.image} (service ${p.service})…\n` : `  ${p.image} ${done}\n`);
  };
}

export function appliedSummary(plan: Plan, ms: number, verb = "Apply"): string {
  const s = summarize(plan);
  return `${verb} complete: ${s.add} added, ${s.change} changed, ${s.remove} removed in ${(ms / 1000).toFixed(1)}s.\n`;
}

/** Columns padded to their widest cell, three spaces apart (the last column is not padded). */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("   ")
      .trimEnd();
  return `${rows.map(line).join("\n")}\n`;
}

/** After a per-service stop, kill, pause or destroy: one line per running service that depends on what was taken down. */
export function leftRunning(dependents: readonly { readonly service: string; readonly dependsOn: readonly string[] }[]): string {
  return dependents.map((d) => `Left running: ${d.service} (depends on ${d.dependsOn.join(", ")}).\n`).join("");
}
