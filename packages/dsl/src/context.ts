/**
 * Context: values chosen when deploying, not written in the stack: `dsl synth --set tag=2`
 * (repeatable) and `--stage prod`, which reads `berth.prod.json` beside the stack file (a
 * flat object of values; `--set` wins). The loader hands them to the session; the DSL does
 * no I/O. `context("tag", "latest")` reads one, `stage()` names the stage.
 */
import { BerthError } from "./errors";
import { formatLocation } from "./graph";
import { captureLocation, constructorTrail } from "./internal/location";
import { currentSession, type ContextValue } from "./internal/session";

export type { ContextValue } from "./internal/session";

/** Thrown for a context key that is missing or malformed, or for `stage()` without a stage: at the user's line, with what to do. */
export class ContextError extends BerthError {}

function fail(message: string): ContextError {
  return new ContextError(`${formatLocation(captureLocation())}: ${message}${constructorTrail()}`);
}

function lookup(key: string): ContextValue | undefined {
  return currentSession().context[key];
}

function missing(key: string, expected: string): ContextError {
  const stage = currentSession().stage;
  const where = stage !== undefined ? `add it to berth.${stage}.json, ` : "";
  return fail(
    `context key "${key}" is not set: ${where}pass --set ${key}=<${expected}>, or give a default: context${expected === "text" ? "" : `.${expected}`}("${key}", …)`,
  );
}

/**
 * The context value `key` as text (`--set tag=2` or the stage file), else `defaultValue`;
 * without a default, a missing key is an error at this line.
 */
export function context(key: string, defaultValue?: string): string {
  const value = lookup(key);
  if (value !== undefined) return String(value);
  if (defaultValue !== undefined) return defaultValue;
  throw missing(key, "text");
}

/** The context value `key` as a number (`--set replicas=3`, or a number in the stage file), else `defaultValue`. */
context.number = function number(key: string, defaultValue?: number): number {
  const value = lookup(key);
  if (value === undefined) {
    if (defaultValue !== undefined) return defaultValue;
    throw missing(key, "number");
  }
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw fail(`context key "${key}" is ${JSON.stringify(value)}: expected a number`);
  return n;
};

/** The context value `key` as a boolean (`true`/`false`, as text or in the stage file), else `defaultValue`. */
context.boolean = function boolean(key: string, defaultValue?: boolean): boolean {
  const value = lookup(key);
  if (value === undefined) {
    if (defaultValue !== undefined) return defaultValue;
    throw missing(key, "boolean");
  }
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw fail(`context key "${key}" is ${JSON.stringify(value)}: expected true or false`);
};

/**
 * The stage chosen with `--stage NAME`, e.g. for the project name: `new Stack(\`shop-${stage()}\`)`.
 * Without a stage, `fallback`; with neither, an error at this line.
 */
export function stage(fallback?: string): string {
  const name = currentSession().stage;
  if (name !== undefined) return name;
  if (fallback !== undefined) return fallback;
  throw fail(`no stage was chosen: pass --stage NAME (which reads berth.NAME.json beside the stack), or give a default: stage("dev")`);
}
