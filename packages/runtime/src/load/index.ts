/**
 * `load(file)`: stack.ts → validated Graph. Compile (esbuild, cached), run, pick the stack,
 * build its graph. Every error points at the user's own file:line:col.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { closeSession, formatLocation, openSession, sensitiveValues, Stack, ValidationError, type Graph, type Problem, type SourceLocation } from "@berth/dsl";
import { parseDotEnv } from "../import/interpolate";
import { LoadError } from "../errors";
import { compileStack } from "./compile";
import { DEFAULT_LOAD_TIMEOUT_MS, LoadTimeoutError, locateThrow, locationMapper, locator, NonErrorThrow, runBundle, runError } from "./run";
import { describeUnfinished, StackTimers } from "./timers";
import { readStage } from "./stage";

export interface LoadOptions {
  /** Folder that relative paths in messages are relative to. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** Reuse a bundle compiled before when no input changed. Default: true. */
  readonly cache?: boolean;
  /** The deployer's environment, which `env()` reads before the `.env` beside the stack file. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Receives every value the stack marked `sensitive()`, also when loading fails (a validation
   * error, an exception in the stack), so that a caller can keep them out of everything it prints.
   */
  readonly onSensitive?: (values: readonly string[]) => void;
  /** Context values for `context()` (`--set key=value`); they win over the stage file's. Default: none. */
  readonly context?: Readonly<Record<string, string>>;
  /** The stage for `stage()`; its context values are read from `berth.<stage>.json` beside the stack file. Default: none. */
  readonly stage?: string;
  /** Stop a stack that runs longer than this (ms): an endless loop is an error at the stack, not a hang. Default: 10 000. */
  readonly timeoutMs?: number;
}

export interface LoadResult {
  readonly graph: Graph;
  /** Absolute path of the stack file. */
  readonly file: string;
  /** Its folder: relative build contexts, bind mounts and env files are relative to it. */
  readonly dir: string;
  /** True when the compiled bundle came from the cache. */
  readonly cached: boolean;
}

/**
 * The project name compose would derive from a folder: lowercase, only `[a-z0-9_-]`,
 * starting with a letter or digit.
 */
export function projectNameFromDir(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[_-]+/, "");
  return name || "default";
}

function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return Array.isArray(x) ? "an array" : "an object";
  if (typeof x === "function") return "a function";
  return `${typeof x} ${typeof x === "string" ? JSON.stringify(x) : String(x)}`;
}

function pickStack(exported: unknown, stacks: readonly Stack[], shown: string): Stack {
  const exportedDefault = (exported as { default?: unknown } | undefined)?.default;
  const candidate = exportedDefault ?? exported;
  if (Stack.isStack(candidate)) return candidate;
  if (exportedDefault !== undefined) {
    throw new LoadError(
      `${shown}: export default is ${describeValue(exportedDefault)}, not a Stack; export default the stack to deploy (export default new Stack("app"))`,
    );
  }
  if (stacks.length === 1) return stacks[0];
  if (stacks.length === 0) {
    throw new LoadError(`${shown}: defines no Stack and no Service; add e.g. new Service("web", { image: "nginx:1.27" })`);
  }
  const names = stacks.map((s) => `"${s.name}"`).join(", ");
  throw new LoadError(`${shown}: defines ${stacks.length} stacks (${names}); export default the one to deploy`);
}

/**
 * The stack's exports once what its top level left running has finished: its default export
 * when that is a promise (settled), and its timers. Bounded by the load's deadline: what is
 * still going then is a located timeout, not a hang.
 */
async function settleExports(exported: unknown, timers: StackTimers, shown: string, timeoutMs: number): Promise<unknown> {
  const exportedDefault = (exported as { default?: unknown } | undefined)?.default;
  const settled = await timers.settle(exportedDefault);
  if ("unfinished" in settled) {
    throw new LoadTimeoutError(`${shown}: did not finish loading within ${timeoutMs / 1000} s (--load-timeout): ${describeUnfinished(settled.unfinished)}`);
  }
  return settled.value === exportedDefault ? exported : { default: settled.value };
}

/** The error a failed run is reported as: a timeout says how far the stack got, a thrown non-Error where it was thrown. */
function explain(err: unknown, stacks: readonly Stack[], locate: () => SourceLocation | undefined, shown: string): unknown {
  if (err instanceof LoadTimeoutError) return withLastConstruct(err, stacks);
  if (!(err instanceof NonErrorThrow)) return err;
  const where = locate();
  return where ? new LoadError(err.message.replace(shown, formatLocation(where)), { cause: err.thrown }) : err;
}

/** A timeout says how far the stack got: the last construct it made. */
function withLastConstruct(err: LoadTimeoutError, stacks: readonly Stack[]): LoadTimeoutError {
  const last = stacks.flatMap((s) => s.constructs).at(-1);
  if (!last) return err;
  return new LoadTimeoutError(`${err.message} (the last construct it made: ${last.kind} "${last.name}" at ${formatLocation(last.location)})`, {
    cause: err.cause,
  });
}

/**
 * Constructs made before the `new Stack(…)` that is deployed join an implicit stack that is
 * not: each is a problem (at its own line), not silently dropped.
 */
function strayProblems(stack: Stack, stacks: readonly Stack[]): Problem[] {
  if (stack.implicit) return [];
  const where = formatLocation(stack.location);
  return stacks
    .filter((s) => s !== stack && s.implicit)
    .flatMap((s) => s.constructs)
    .map((c) => ({
      message: `made before \`new Stack("${stack.name}")\` (${where}), so it joined an implicit stack that is not deployed; create the Stack first, or pass { stack }`,
      location: c.location,
      construct: { kind: c.kind, name: c.name },
    }));
}

/** The deployed stack's graph, with every problem of it and of constructs that missed it in one error. */
function graphOf(stack: Stack, stacks: readonly Stack[]): Graph {
  const problems = strayProblems(stack, stacks);
  try {
    const graph = stack.toGraph();
    if (problems.length === 0) return graph;
  } catch (err) {
    if (!ValidationError.isValidationError(err) || problems.length === 0) throw err;
    problems.push(...err.problems);
  }
  throw new ValidationError(problems, `stack "${stack.name}"`);
}

/**
 * What `env()` reads: the deployer's environment, then the `.env` beside the stack file (as
 * compose reads its project's `.env`), read on the first lookup only: stacks that never call
 * `env()` cost no file read.
 */
function envLookup(env: Readonly<Record<string, string | undefined>>, dir: string): (name: string) => string | undefined {
  let dotenv: Map<string, string> | undefined;
  return (name) => {
    if (env[name] !== undefined) return env[name];
    if (!dotenv) {
      dotenv = new Map();
      let text = "";
      try {
        text = fs.readFileSync(path.join(dir, ".env"), "utf8");
      } catch {
        /* no .env: only the environment */
      }
      // As compose reads it: `${VAR}` in a value expands from the environment and the lines above.
      const values = parseDotEnv(text, env, (what, line) => {
        throw new LoadError(`${path.join(dir, ".env")}: ${what} (line ${line})`);
      });
      for (const [key, value] of Object.entries(values)) dotenv.set(key, value);
    }
    return dotenv.get(name);
  };
}

export async function load(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  const shown = path.relative(cwd, abs) || abs;
  if (!fs.existsSync(abs)) throw new LoadError(`${shown}: stack file not found`);
  if (fs.statSync(abs).isDirectory()) throw new LoadError(`${shown}: is a folder; pass the stack file (e.g. ${path.join(shown, "stack.ts")})`);
  const compiled = await compileStack(abs, cwd, options.cache ?? true);
  const mapLocation = locationMapper(compiled, cwd);
  const dir = path.dirname(abs);
  const staged = options.stage !== undefined ? readStage(dir, options.stage, cwd) : {};
  const session = {
    defaultProject: projectNameFromDir(dir),
    mapLocation,
    env: envLookup(options.env ?? process.env, dir),
    context: { ...staged, ...options.context },
    stage: options.stage,
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  openSession(session);
  let exported: unknown;
  let failure: { readonly err: unknown } | undefined;
  // One deadline for the top level and what it left running (timers, an exported promise).
  const timers = new StackTimers(Date.now() + timeoutMs, locator(compiled, mapLocation));
  try {
    exported = runBundle(compiled, mapLocation, { timeoutMs, shown, timers });
    exported = await settleExports(exported, timers, shown, timeoutMs);
  } catch (err) {
    failure = { err: runError(err, compiled, mapLocation, { timeoutMs, shown }) };
  } finally {
    timers.stop();
  }
  options.onSensitive?.(sensitiveValues());
  const stacks = closeSession();
  // A thrown non-Error has no stack trace to read the line from: run the stack once more, watched by the inspector.
  const locate = () => {
    openSession(session);
    try {
      return locateThrow(compiled, mapLocation, timeoutMs);
    } finally {
      closeSession();
    }
  };
  if (failure) throw explain(failure.err, stacks, locate, shown);
  const stack = pickStack(exported, stacks, shown);
  return { graph: graphOf(stack, stacks), file: abs, dir, cached: compiled.cached };
}
