/**
 * `load(file)`: stack.ts → validated Graph. Compile (esbuild, cached), run, pick the stack,
 * build its graph. Every error points at the user's own file:line:col.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { closeSession, openSession, sensitiveValues, Stack, type Graph } from "@berth/dsl";
import { parseEnvFile } from "../desired/envfile";
import { LoadError } from "../errors";
import { compileStack } from "./compile";
import { locationMapper, runBundle } from "./run";
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

function pickStack(exported: unknown, stacks: readonly Stack[], shown: string): Stack {
  const candidate = (exported as { default?: unknown } | undefined)?.default ?? exported;
  if (Stack.isStack(candidate)) return candidate;
  if (stacks.length === 1) return stacks[0];
  if (stacks.length === 0) {
    throw new LoadError(`${shown}: defines no Stack and no Service; add e.g. new Service("web", { image: "nginx:1.27" })`);
  }
  const names = stacks.map((s) => `"${s.name}"`).join(", ");
  throw new LoadError(`${shown}: defines ${stacks.length} stacks (${names}); export default the one to deploy`);
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
      for (const { key, value } of parseEnvFile(text)) if (value !== null) dotenv.set(key, value);
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
  openSession({
    defaultProject: projectNameFromDir(dir),
    mapLocation,
    env: envLookup(options.env ?? process.env, dir),
    context: { ...staged, ...options.context },
    stage: options.stage,
  });
  let exported: unknown;
  let stacks: Stack[];
  try {
    exported = runBundle(compiled, mapLocation);
  } finally {
    options.onSensitive?.(sensitiveValues());
    stacks = closeSession();
  }
  const stack = pickStack(exported, stacks, shown);
  return { graph: stack.toGraph(), file: abs, dir, cached: compiled.cached };
}
