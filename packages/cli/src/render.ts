/** Terminal rendering of plans and progress: the only place that knows about colors and glyphs. */
import { formatPlan, summarize, type ApplyProgressEvent, type ImageProgress, type Plan } from "@berth/runtime";
import { type GlobalOptions, type Io, paint, useColor } from "./io";

export function printPlan(plan: Plan, io: Io, opts: GlobalOptions, title?: string): void {
  io.stdout.write(formatPlan(plan, { color: useColor(io, io.stdout, opts), title }));
}

const VERB: Record<string, string> = {
  create: "created",
  recreate: "recreated",
  start: "started",
  restart: "restarted",
  stop: "stopped",
  remove: "removed",
  wait: "ready",
};

function seconds(ms: number | undefined): string {
  return ms === undefined ? "" : `${(ms / 1000).toFixed(1)}s`;
}

/** One line per finished step: `  ✓ service web  blog-web-1 recreated  0.8s`. */
export function progressPrinter(io: Io, opts: GlobalOptions): (e: ApplyProgressEvent) => void {
  const c = paint(useColor(io, io.stdout, opts));
  return (e) => {
    const s = e.step;
    const what = s.kind === "service" ? `service ${s.resource}` : `${s.kind} ${s.engineName}`;
    if (e.status === "started") {
      if (s.op === "wait") io.stdout.write(`  … waiting for ${s.resource} to be ${s.cause}\n`);
      return;
    }
    if (e.status === "done") {
      const name = s.kind === "service" && s.op !== "wait" ? ` ${s.engineName}` : "";
      io.stdout.write(`  ${c.green("✓")} ${what}${name} ${VERB[s.op]} ${c.dim(seconds(e.elapsedMs))}\n`);
    } else if (e.status === "failed") {
      io.stdout.write(`  ${c.red("✗")} ${what} ${s.engineName}: ${e.message ?? "failed"}\n`);
    } else {
      io.stdout.write(`  ${c.dim(`- ${what} ${s.engineName}: not done`)}\n`);
    }
  };
}

export function imagePrinter(io: Io): (p: ImageProgress) => void {
  return (p) => {
    if (p.event) {
      if (p.action === "build" && p.event.stream && process.env.BERTH_BUILD_OUTPUT) io.stderr.write(p.event.stream);
      return;
    }
    io.stderr.write(
      p.status === "started"
        ? `  ${p.action === "pull" ? "pulling" : "building"} ${p.image} (service ${p.service})…\n`
        : `  ${p.image} ${p.action === "pull" ? "pulled" : "built"}\n`,
    );
  };
}

export function appliedSummary(plan: Plan, ms: number, verb = "Apply"): string {
  const s = summarize(plan);
  return `${verb} complete: ${s.add} added, ${s.change} changed, ${s.remove} removed in ${(ms / 1000).toFixed(1)}s.\n`;
}
