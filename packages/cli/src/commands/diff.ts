/** `dsl diff [--out plan.json]`, for every target. */
import * as fs from "node:fs";
import * as path from "node:path";
import { diff, isEmptyPlan, planToJson, summarize, targetOf } from "@berth/runtime";
import { engineFor, type EngineOptions, parseScale, positionals, prepareStack, stackFile } from "../engine";
import { type Io, writeJson } from "../io";
import { printPlan } from "../render";

export interface DiffOptions extends EngineOptions {
  readonly exitCode?: boolean;
  readonly forceRecreate?: boolean;
  readonly volumes?: boolean;
  /** Write the plan there, for `dsl apply <file>`. */
  readonly out?: string;
  /** `--no-deps`. */
  readonly deps?: boolean;
  /** `--scale service=n`, repeatable. */
  readonly scale?: string[];
}

/** Exit code with --exit-code when there are changes (as terraform's -detailed-exitcode). */
export const EXIT_CHANGES = 2;

/** `dsl diff [stack.ts] [service…]`: what `dsl apply` would do, changing nothing. Resolves to the exit code. */
export async function diffCommand(args: string[], opts: DiffOptions, io: Io): Promise<number> {
  const { file, services } = positionals(args);
  const prepared = await prepareStack(stackFile(file, opts), opts, io);
  const plan = await diff(engineFor(opts, io), prepared, {
    target: targetOf(prepared, opts.target),
    forceRecreate: opts.forceRecreate,
    volumes: opts.volumes,
    services,
    deps: opts.deps,
    scale: parseScale(opts.scale),
  });
  if (opts.json) writeJson(io, { ...plan, summary: summarize(plan) });
  else printPlan(plan, io, opts);
  if (opts.out) {
    const out = path.resolve(io.cwd, opts.out);
    fs.writeFileSync(out, planToJson(plan));
    if (!opts.json)
      io.stderr.write(`wrote the plan to ${path.relative(io.cwd, out) || out}: dsl apply ${path.relative(io.cwd, out) || out} applies exactly it\n`);
  }
  return opts.exitCode && !isEmptyPlan(plan) ? EXIT_CHANGES : 0;
}
