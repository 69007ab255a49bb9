/**
 * Progress of an apply or a destroy, in the three forms a user meets: on a terminal, a live block
 * below the finished lines, one line per resource at work, updating in place with its elapsed time
 * (`  ⠙ service web blog-web-1 waiting for blog-web-1 to be healthy  3.2s`); off a terminal, the
 * same milestones as plain lines (render.ts's printers, unchanged: logs and CI read those); with
 * `--json`, one JSON object per line for every event (`{"event":"step",…}`), then the result.
 *
 * Written by hand: the live block is twenty lines of ANSI (cursor up, clear to the end), and a
 * progress library would bring its own idea of the lines we print.
 */
import type { ImageProgress, ProgressEvent } from "@berth/runtime";
import { type GlobalOptions, type Io, paint, useColor } from "./io";
import { IMAGE_VERBS, imagePrinter, label, progressLine, progressPrinter, waitLine } from "./render";

export interface Progress {
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly onImage?: (p: ImageProgress) => void;
  /** Clears the live block (call before the summary, and on every exit). */
  dispose(): void;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const TICK_MS = 100;

const DOING: Readonly<Record<string, string>> = { stop: "stopping", remove: "removing", create: "creating", rename: "renaming", start: "starting" };

/** What a step is doing, in the words of the live line: `waiting for web to be healthy`, `creating…` (from its op, `container.create`). */
function doing(e: ProgressEvent & { type: "step" }): string {
  const verb = e.step.op.split(".").pop() ?? e.step.op;
  return waitLine(e) ?? `${DOING[verb] ?? verb}…`;
}

type Stdout = Io["stdout"] & { columns?: number };

/** The live renderer: `active` is what is at work now; finished lines are printed above it. */
function liveProgress(io: Io, opts: GlobalOptions): Progress {
  const out = io.stdout as Stdout;
  const c = paint(useColor(io, io.stdout, opts));
  const active = new Map<string, { readonly label: string; doing: string; readonly since: number }>();
  let drawn = 0;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const fit = (line: string) => {
    const width = (out.columns ?? 80) - 1;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  };
  /** Takes the live block off the screen (the next draw puts it back). */
  const erase = () => {
    if (drawn) out.write(`\r\u001b[${drawn}A\u001b[J`);
    drawn = 0;
  };
  /** Rewrites the live block, with `finished` printed first (above it, for good). */
  const draw = (finished = "") => {
    const lines = [...active.values()].map(
      (a) => `  ${c.cyan(SPINNER[frame % SPINNER.length])} ${fit(`${a.label} ${a.doing}`)} ${c.dim(`${((Date.now() - a.since) / 1000).toFixed(1)}s`)}`,
    );
    erase();
    out.write(`${finished}${lines.map((l) => `${l}\n`).join("")}`);
    drawn = lines.length;
    if (active.size && !timer) {
      timer = setInterval(() => {
        frame++;
        draw();
      }, TICK_MS);
      timer.unref();
    } else if (!active.size && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  // What is written to the terminal's stderr meanwhile (a warning, Ctrl-C's "interrupted") goes above
  // the block: the block is taken off first and drawn again after, else the next redraw would
  // write over those lines.
  const err = io.stderr;
  const write = err.write;
  if (err.isTTY === true)
    err.write = ((...args: Parameters<typeof write>) => {
      erase();
      const written = write.apply(err, args);
      draw();
      return written;
    }) as typeof write;
  return {
    onProgress: (e) => {
      const key = e.action.id;
      if (e.type === "step" && e.status === "started") {
        const entry = active.get(key) ?? { label: label(e.action), doing: "", since: Date.now() };
        entry.doing = doing(e);
        active.set(key, entry);
        return draw();
      }
      if (e.type === "waiting") {
        const entry = active.get(key);
        if (entry) entry.doing = e.message;
        return draw();
      }
      const done = e.type === "action" && e.status !== "started";
      if (done) active.delete(key);
      // Waits print as live lines here, not as "… waiting for" lines.
      const text = e.type === "step" && e.status === "started" ? "" : progressLine(e, c);
      if (text || done) draw(text);
    },
    onImage: (p) => {
      if (p.event) return imagePrinter(io)(p);
      const key = `image:${p.image}`;
      const [verb, past] = IMAGE_VERBS[p.action];
      if (p.status === "started") {
        active.set(key, { label: `image ${p.image}`, doing: `${verb} (service ${p.service})`, since: Date.now() });
        return draw();
      }
      const since = active.get(key)?.since ?? Date.now();
      active.delete(key);
      draw(`  ${c.green("✓")} image ${p.image} ${past} ${c.dim(`${((Date.now() - since) / 1000).toFixed(1)}s`)}\n`);
    },
    dispose: () => {
      err.write = write;
      active.clear();
      draw();
    },
  };
}

/** One JSON object per line, on stdout: every progress and image event, as it happens. */
function jsonProgress(io: Io): Progress {
  const line = (o: object) => io.stdout.write(`${JSON.stringify(o)}\n`);
  return {
    onProgress: (e) =>
      line({
        event: e.type,
        action: { id: e.action.id, verb: e.action.verb, kind: e.action.kind, resource: e.action.resource, engineName: e.action.engineName },
        ...("step" in e ? { step: { id: e.step.id, op: e.step.op } } : {}),
        ...("status" in e ? { status: e.status } : {}),
        ...(e.message !== undefined ? { message: e.message } : {}),
        ...("elapsedMs" in e && e.elapsedMs !== undefined ? { elapsedMs: e.elapsedMs } : {}),
      }),
    onImage: (p) => {
      if (!p.event) line({ event: "image", action: p.action, image: p.image, service: p.service, status: p.status });
    },
    dispose: () => undefined,
  };
}

/** The progress form for this output: JSON lines with `--json`, the live block on a terminal, plain lines otherwise. */
export function progressFor(io: Io, opts: GlobalOptions): Progress {
  if (opts.json) return jsonProgress(io);
  if (io.stdout.isTTY === true && io.env.TERM !== "dumb" && io.env.BERTH_PLAIN_PROGRESS === undefined) return liveProgress(io, opts);
  return { onProgress: progressPrinter(io, opts), onImage: imagePrinter(io), dispose: () => undefined };
}

/**
 * For `build`, `push` and `pull`: their image progress (live on a terminal, plain lines else;
 * none with `--json`, whose one document is the result), cleared before the summary.
 */
export async function withImageProgress<T>(io: Io, opts: GlobalOptions, run: (onImage: ((p: ImageProgress) => void) | undefined) => Promise<T>): Promise<T> {
  if (opts.json) return run(undefined);
  const progress = progressFor(io, opts);
  try {
    return await run(progress.onImage);
  } finally {
    progress.dispose();
  }
}
