/** `dsl apply` / `dsl destroy`, for every target: thin calls into the runtime's `apply` and `destroy`. */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  apply,
  BerthError,
  destroy,
  isEmptyPlan,
  needsStack,
  planFromJson,
  runningDependents,
  summarize,
  targetOf,
  type ConvergeOutcome,
  type Plan,
  type Prepared,
} from "@berth/runtime";
import { engineFor, type EngineOptions, parseDuration, parseScale, positionals, prepareStack, stackFile } from "../engine";
import type { Io } from "../io";
import { progressFor, type Progress } from "../progress";
import { confirm } from "../prompt";
import { appliedSummary, leftRunning, printPlan } from "../render";

export interface ApplyCommandOptions extends EngineOptions {
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  readonly parallel?: string;
  readonly forceRecreate?: boolean;
  readonly build?: boolean;
  readonly pull?: "always" | "missing" | "never";
  readonly lockTimeout?: string;
  readonly waitTimeout?: string;
  readonly volumes?: boolean;
  /** `--no-deps`: only the named services, not what they depend on. */
  readonly deps?: boolean;
  /** `--scale service=n`, repeatable. */
  readonly scale?: string[];
  /** `--wait`: until every service applied is ready. */
  readonly wait?: boolean;
}

/** Ctrl-C once: finish the running steps, start no new ones. Twice: leave now. */
function interruptible(io: Io): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const onSigint = () => {
    if (ctl.signal.aborted) process.exit(130);
    io.stderr.write("\ninterrupted: finishing the steps under way, starting no new ones (Ctrl-C again to quit now)\n");
    ctl.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: ctl.signal, dispose: () => process.off("SIGINT", onSigint) };
}

function parallelism(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new BerthError(`--parallel "${text}": expected a whole number ≥ 1`);
  return n;
}

function what(plan: Plan): string {
  return plan.target === "swarm" ? `stack "${plan.project}"` : `"${plan.project}"`;
}

function report(io: Io, opts: ApplyCommandOptions, outcome: ConvergeOutcome, started: number, verb: "Apply" | "Destroy"): void {
  const { plan, result } = outcome;
  // With --json, progress came as one object per line: the result is the last line.
  if (opts.json)
    return void io.stdout.write(
      `${JSON.stringify({ event: "result", result: verb === "Destroy" && result === "no-changes" ? "nothing-to-destroy" : result, plan, summary: summarize(plan) })}\n`,
    );
  if (result === "no-changes" && verb === "Destroy")
    io.stdout.write(`Nothing to destroy: ${what(plan)} has nothing on the ${plan.target === "swarm" ? "swarm" : "engine"}.\n`);
  else if (result === "no-changes") io.stdout.write(`No changes: ${what(plan)} on ${plan.endpoint} matches the stack.\n`);
  else if (result === "declined") io.stdout.write(`${verb} cancelled; nothing was changed.\n`);
  else if (result === "dry-run") io.stdout.write(`Dry run: nothing was changed.\n`);
  else io.stdout.write(appliedSummary(plan, Date.now() - started, verb));
}

/** What both commands hand the runtime: the flags as options, and the terminal as callbacks. */
function common(io: Io, opts: ApplyCommandOptions, signal: AbortSignal, title: string, progress: Progress) {
  return {
    dryRun: opts.dryRun,
    parallel: parallelism(opts.parallel),
    lockTimeoutMs: parseDuration(opts.lockTimeout, "--lock-timeout"),
    waitTimeoutMs: parseDuration(opts.waitTimeout, "--wait-timeout"),
    signal,
    onPlan: opts.json
      ? undefined
      : (plan: Plan, why: "preview" | "replanned") => {
          if (why === "replanned") io.stdout.write("The engine changed while the plan was made; the plan now is:\n");
          if (!isEmptyPlan(plan) || plan.blockers.length) printPlan(plan, io, opts, title);
          else for (const w of plan.warnings) io.stderr.write(`warning: ${w}\n`);
        },
    onProgress: progress.onProgress,
    onImage: progress.onImage,
  };
}

/** After a per-service destroy or stop: the running services that depend on what was taken down. */
async function reportDependents(opts: EngineOptions, io: Io, project: string, services: readonly string[]): Promise<void> {
  io.stdout.write(leftRunning(await runningDependents(engineFor(opts, io), project, services)));
}

/** The stack a saved plan takes its sensitive values from: `-f`, else the file the plan was made from, else ./stack.ts. */
async function stackForPlan(plan: Plan, opts: ApplyCommandOptions, io: Io): Promise<Prepared> {
  const recorded = plan.stackFile && fs.existsSync(plan.stackFile) ? plan.stackFile : undefined;
  return prepareStack(opts.file ?? recorded ?? "stack.ts", opts, io);
}

/** `dsl apply plan.json`: exactly the saved steps, if the engine still matches what the plan was made from. */
async function applySavedPlan(file: string, opts: ApplyCommandOptions, io: Io, signal: AbortSignal, progress: Progress): Promise<ConvergeOutcome> {
  const where = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(where, "utf8");
  } catch (err) {
    throw new BerthError(`cannot read the plan ${file}: ${(err as Error).message}`, { cause: err });
  }
  const plan = planFromJson(text, file);
  const stack = needsStack(plan) ? await stackForPlan(plan, opts, io) : undefined;
  return apply(engineFor(opts, io), plan, { ...common(io, opts, signal, "saved plan", progress), ...(stack ? { stack } : {}) });
}

/** `dsl apply [stack.ts | plan.json] [service…]` / `dsl up`: the named services and what they depend on (all without names). */
export async function applyCommand(args: string[], opts: ApplyCommandOptions, io: Io): Promise<number> {
  const started = Date.now();
  const { file, plan, services } = positionals(args);
  const interrupt = interruptible(io);
  const progress = progressFor(io, opts);
  const done = (outcome: ConvergeOutcome) => {
    progress.dispose();
    report(io, opts, outcome, started, "Apply");
    return 0;
  };
  try {
    if (plan) return done(await applySavedPlan(plan, opts, io, interrupt.signal, progress));
    const prepared = await prepareStack(stackFile(file, opts), opts, io);
    const outcome = await apply(engineFor(opts, io), prepared, {
      ...common(io, opts, interrupt.signal, "plan", progress),
      target: targetOf(prepared, opts.target),
      services,
      deps: opts.deps,
      wait: opts.wait,
      scale: parseScale(opts.scale),
      forceRecreate: opts.forceRecreate,
      volumes: opts.volumes,
      build: opts.build,
      pull: opts.pull,
      confirm: opts.yes
        ? undefined
        : () => confirm(io, targetOf(prepared, opts.target) === "swarm" ? "Apply these changes to the swarm?" : "Apply these changes?", "apply"),
    });
    return done(outcome);
  } finally {
    progress.dispose();
    interrupt.dispose();
  }
}

/**
 * `dsl destroy [service…]` / `dsl down`: everything the project owns (volumes only with
 * `--volumes`), or only the named services' containers (never their dependencies); with `-p`, no
 * stack is needed.
 */
export async function destroyCommand(args: string[], opts: ApplyCommandOptions, io: Io): Promise<number> {
  const started = Date.now();
  const { file, services } = positionals(args);
  // With -p and no stack file here, the project is enough: there is nothing to load.
  const noStack = opts.project !== undefined && file === undefined && !fs.existsSync(path.resolve(io.cwd, stackFile(undefined, opts)));
  const prepared = noStack ? undefined : await prepareStack(stackFile(file, opts), opts, io);
  const interrupt = interruptible(io);
  const progress = progressFor(io, opts);
  try {
    const target = targetOf(prepared, opts.target);
    const outcome = await destroy(engineFor(opts, io), prepared ?? { project: opts.project as string }, {
      ...common(io, opts, interrupt.signal, "destroy plan", progress),
      target,
      volumes: opts.volumes,
      services,
      confirm: opts.yes ? undefined : () => confirm(io, target === "swarm" ? "Destroy this stack?" : "Destroy these resources?", "destroy"),
    });
    progress.dispose();
    report(io, opts, outcome, started, "Destroy");
    if (services.length && !opts.json && outcome.result === "applied") await reportDependents(opts, io, outcome.plan.project, services);
    return 0;
  } finally {
    progress.dispose();
    interrupt.dispose();
  }
}
