import { BerthError } from "@berth/runtime";
import { apply, destroy, isEmptyPlan, summarize, type Plan } from "@berth/runtime";
import { engineFor, type EngineOptions, parseDuration, prepareStack, stackFile } from "../engine";
import { type Io, writeJson } from "../io";
import { confirm } from "../prompt";
import { appliedSummary, imagePrinter, printPlan, progressPrinter } from "../render";

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

function report(io: Io, opts: ApplyCommandOptions, plan: Plan, result: string, started: number, verb: string): void {
  if (opts.json) {
    writeJson(io, { result, plan, summary: summarize(plan) });
    return;
  }
  if (result === "nothing-to-destroy") io.stdout.write(`Nothing to destroy: "${plan.project}" has nothing on the engine.\n`);
  else if (result === "no-changes") io.stdout.write(`No changes: "${plan.project}" on ${plan.endpoint} matches the stack.\n`);
  else if (result === "declined") io.stdout.write(`${verb} cancelled; nothing was changed.\n`);
  else if (result === "dry-run") io.stdout.write(`Dry run: nothing was changed.\n`);
  else io.stdout.write(appliedSummary(plan, Date.now() - started, verb));
}

/** `dsl apply` / `dsl up`. */
export async function applyCommand(file: string | undefined, opts: ApplyCommandOptions, io: Io): Promise<number> {
  const started = Date.now();
  const prepared = await prepareStack(stackFile(file, opts), opts, io);
  const interrupt = interruptible(io);
  try {
    const outcome = await apply(engineFor(opts, io), prepared, {
      forceRecreate: opts.forceRecreate,
      volumes: opts.volumes,
      build: opts.build,
      pull: opts.pull,
      dryRun: opts.dryRun,
      parallel: parallelism(opts.parallel),
      lockTimeoutMs: parseDuration(opts.lockTimeout, "--lock-timeout"),
      waitTimeoutMs: parseDuration(opts.waitTimeout, "--wait-timeout"),
      signal: interrupt.signal,
      onPlan: opts.json ? undefined : (plan) => isEmptyPlan(plan) || printPlan(plan, io, opts),
      confirm: opts.yes ? undefined : () => confirm(io, "Apply these changes?", "apply"),
      onStep: opts.json ? undefined : progressPrinter(io, opts),
      onImage: opts.json ? undefined : imagePrinter(io),
    });
    report(io, opts, outcome.plan, outcome.result, started, "Apply");
    return 0;
  } finally {
    interrupt.dispose();
  }
}

/** `dsl destroy` / `dsl down`. */
export async function destroyCommand(file: string | undefined, opts: ApplyCommandOptions, io: Io): Promise<number> {
  const started = Date.now();
  const prepared = await prepareStack(stackFile(file, opts), opts, io);
  const interrupt = interruptible(io);
  try {
    const outcome = await destroy(engineFor(opts, io), prepared, {
      volumes: opts.volumes,
      dryRun: opts.dryRun,
      parallel: parallelism(opts.parallel),
      lockTimeoutMs: parseDuration(opts.lockTimeout, "--lock-timeout"),
      signal: interrupt.signal,
      onPlan: opts.json ? undefined : (plan) => isEmptyPlan(plan) || printPlan(plan, io, opts, "destroy plan"),
      confirm: opts.yes ? undefined : () => confirm(io, "Destroy these resources?", "destroy"),
      onStep: opts.json ? undefined : progressPrinter(io, opts),
    });
    report(io, opts, outcome.plan, outcome.result === "no-changes" ? "nothing-to-destroy" : outcome.result, started, "Destroy");
    return 0;
  } finally {
    interrupt.dispose();
  }
}
