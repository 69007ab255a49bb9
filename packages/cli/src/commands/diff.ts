import { diff, isEmptyPlan, summarize } from "@berth/runtime";
import { engineFor, type EngineOptions, prepareStack, stackFile } from "../engine";
import { type Io, writeJson } from "../io";
import { printPlan } from "../render";

export interface DiffOptions extends EngineOptions {
  readonly exitCode?: boolean;
  readonly forceRecreate?: boolean;
  readonly volumes?: boolean;
}

/** Exit code with --exit-code when there are changes (as terraform's -detailed-exitcode). */
export const EXIT_CHANGES = 2;

/** `dsl diff`: what `dsl apply` would do, changing nothing. Resolves to the exit code. */
export async function diffCommand(file: string | undefined, opts: DiffOptions, io: Io): Promise<number> {
  const prepared = await prepareStack(stackFile(file, opts), opts, io);
  const { plan } = await diff(engineFor(opts, io), prepared, { forceRecreate: opts.forceRecreate, volumes: opts.volumes });
  if (opts.json) writeJson(io, { ...plan, summary: summarize(plan) });
  else printPlan(plan, io, opts);
  return opts.exitCode && !isEmptyPlan(plan) ? EXIT_CHANGES : 0;
}
