/** The engine and the stack for commands that need them; dockerode loads only on the first engine call. */
import { BerthError } from "@berth/runtime";
import * as path from "node:path";
import { createEngine, load, parseDurationText, prepare, stackSecrets, type Engine, type LoadResult, type Prepared, type TargetName } from "@berth/runtime";
import type { GlobalOptions, Io } from "./io";

export interface EngineOptions extends GlobalOptions {
  readonly host?: string;
  /** `--context`: a Docker context. */
  readonly context?: string;
  readonly file?: string;
  readonly project?: string;
  readonly profile?: string[];
  /** `--set key=value`, repeatable. */
  readonly set?: string[];
  /** `--stage NAME`. */
  readonly stage?: string;
  /** `--target`, where the command has it. */
  readonly target?: TargetName;
}

export function engineFor(opts: EngineOptions, io: Io): Engine {
  return createEngine({ host: opts.host, context: opts.context, env: io.env });
}

/** The stack file: the positional argument, else `-f`, else ./stack.ts. */
export function stackFile(positional: string | undefined, opts: EngineOptions): string {
  return positional ?? opts.file ?? "stack.ts";
}

/**
 * One load per stack file per CLI run: routing by the stack's target and the command itself
 * both need it, and running the user's stack twice costs time (and twice its side effects).
 */
const loads = new Map<string, Promise<LoadResult>>();
/** `--load-timeout`, in ms (the cli sets it before each command; undefined: the runtime's default). */
let loadTimeoutMs: number | undefined;
export function setLoadTimeout(ms: number | undefined): void {
  loadTimeoutMs = ms;
}

/** A new run of the stack from now on (`dsl watch`: the files changed since). */
export function forgetLoads(): void {
  loads.clear();
}

export function loadStack(file: string, io: Io, opts: StackLoadOptions = {}): Promise<LoadResult> {
  const key = path.resolve(io.cwd, file);
  let p = loads.get(key);
  if (!p) loads.set(key, (p = loadRedacted(file, io, opts)));
  return p;
}

/** The flags that change what a stack file makes. */
export interface StackLoadOptions {
  readonly cache?: boolean;
  readonly set?: readonly string[];
  readonly stage?: string;
}

/** `--set key=value` flags as context values (the last of a key wins); one without `=` is a usage error. */
export function contextValues(set: readonly string[] | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of set ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new BerthError(`--set "${pair}": expected key=value, e.g. --set tag=1.0`);
    values[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return values;
}

/** Loads the stack, and from then on every output of this run redacts its sensitive values (also those seen by a load that fails). */
async function loadRedacted(file: string, io: Io, opts: StackLoadOptions): Promise<LoadResult> {
  const loaded = await load(file, {
    cwd: io.cwd,
    cache: opts.cache,
    env: io.env,
    context: contextValues(opts.set),
    stage: opts.stage,
    timeoutMs: loadTimeoutMs,
    onSensitive: (values) => io.redactor?.add(values),
  });
  io.redactor?.add(stackSecrets(loaded.graph, { dir: loaded.dir, env: io.env }));
  return loaded;
}

export async function prepareStack(file: string, opts: EngineOptions, io: Io): Promise<Prepared> {
  return prepare(file, { cwd: io.cwd, env: io.env, profiles: opts.profile, project: opts.project, loaded: await loadStack(file, io, opts) });
}

/** A duration option (`30s`, `2m`, `1m30s`, `500ms`, or seconds) in milliseconds; a malformed one is a usage error naming the flag. */
export function parseDuration(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDurationText(text);
  if (ms === undefined) throw new BerthError(`${flag} "${text}": expected a duration like 30s, 2m or 500ms`);
  return ms;
}

/** `--scale web=3 --scale worker=0`: replicas by service; a malformed one is a usage error. */
export function parseScale(entries: readonly string[] | undefined): Record<string, number> | undefined {
  if (!entries?.length) return undefined;
  const out: Record<string, number> = {};
  for (const e of entries) {
    const m = /^([^=\s]+)=(\d+)$/.exec(e);
    if (!m) throw new BerthError(`--scale "${e}": expected SERVICE=N, e.g. --scale web=3`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** The positional arguments of a per-service command, sorted out by their form. */
export interface Positionals {
  /** A stack file: the argument that ends in .ts, .mts, .js or .mjs. */
  readonly file?: string;
  /** A saved plan: the argument that ends in .json. */
  readonly plan?: string;
  /** Every other argument: a service name. */
  readonly services: string[];
}

/** Sorts `dsl apply web worker stack.ts` into the stack file, a saved plan and service names; two files are a usage error. */
export function positionals(args: readonly string[] = []): Positionals {
  const files = args.filter((a) => /\.(m?ts|m?js)$/i.test(a));
  const plans = args.filter((a) => isPlanFile(a));
  const services = args.filter((a) => !files.includes(a) && !plans.includes(a));
  if (files.length + plans.length > 1)
    throw new BerthError(`${[...files, ...plans].join(", ")}: expected one stack file or saved plan, not ${files.length + plans.length}`);
  if (plans.length && services.length)
    throw new BerthError(`dsl apply ${plans[0]}: a saved plan is applied whole; it takes no service names (${services.join(", ")})`);
  return { file: files[0], plan: plans[0], services };
}

/** A positional file argument that names a saved plan (`dsl apply plan.json`), not a stack. */
export function isPlanFile(arg: string | undefined): arg is string {
  return arg !== undefined && /\.json$/i.test(arg);
}
