/**
 * Runs a compiled stack bundle and maps every position in it back to the user's source.
 *
 * The bundle runs in this process (`vm.runInThisContext`, like Node's own CommonJS loader)
 * with a `require` that hands out the runtime's own `@berth/dsl`, so constructs made by the
 * stack are the ones the runtime reads, even when the user's node_modules holds another copy.
 */
import { createRequire, SourceMap } from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";
import * as dsl from "@berth/dsl";
import type { SourceLocation } from "@berth/dsl";
import { LoadError } from "../errors";
import type { CompiledStack } from "./compile";
import { StackTimers, TIMER_PARAMS } from "./timers";

export type LocationMapper = (loc: SourceLocation) => SourceLocation;

/** Maps `bundle:line:col` (1-based, as stack traces print) to `stack.ts:line:col`, relative to `cwd`. */
export function locationMapper(compiled: CompiledStack, cwd: string): LocationMapper {
  let map: SourceMap | undefined;
  const dir = path.dirname(compiled.filename);
  return (loc) => {
    if (loc.file !== compiled.filename) return loc;
    map ??= new SourceMap(JSON.parse(compiled.map));
    const entry = map.findEntry(loc.line - 1, loc.column - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return loc;
    const abs = path.resolve(dir, entry.originalSource.replace(/^file:\/\//, ""));
    return { file: path.relative(cwd, abs) || abs, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  };
}

/** Rewrites every `bundle:L:C` in a stack trace to the user's file:line:col. */
export function mapStackTrace(stack: string, compiled: CompiledStack, mapLocation: LocationMapper): string {
  const escaped = compiled.filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return stack.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, "g"), (_m, line: string, col: string) => {
    const loc = mapLocation({ file: compiled.filename, line: Number(line), column: Number(col) });
    return `${loc.file}:${loc.line}:${loc.column}`;
  });
}

/** The first user frame of an error, as `file:line:col`, or undefined. */
function firstUserFrame(stack: string, compiled: CompiledStack, mapLocation: LocationMapper): string | undefined {
  const escaped = compiled.filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  if (!m) return undefined;
  const loc = mapLocation({ file: compiled.filename, line: Number(m[1]), column: Number(m[2]) });
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Stack lines that belong to the user's code (bundle frames), mapped. */
function userFrames(stack: string, compiled: CompiledStack, mapLocation: LocationMapper): string[] {
  return stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l) && l.includes(compiled.filename))
    .map((l) => mapStackTrace(l, compiled, mapLocation));
}

/** Options of {@link runBundle}. */
export interface RunOptions {
  /** Stop the stack after this long (a `while (true) {}` must not hang synth). @default 10 000 ms */
  readonly timeoutMs?: number;
  /** The stack file as messages name it. */
  readonly shown: string;
  /** The timers the stack starts (see timers.ts); the caller waits for them and stops them. */
  readonly timers: StackTimers;
}

/** The default of `--load-timeout`. */
export const DEFAULT_LOAD_TIMEOUT_MS = 10_000;

/** A stack that did not finish in time. */
export class LoadTimeoutError extends LoadError {}

/** A stack that threw something that is not an Error: it carries no stack, so the loader looks for the line (see locateThrow). */
export class NonErrorThrow extends LoadError {
  constructor(
    message: string,
    readonly thrown: unknown,
  ) {
    super(message, { cause: thrown });
  }
}

const RUN = Symbol.for("@berth/runtime.runStack");

function describeThrown(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x);
  if (x === null || x === undefined) return String(x);
  if (typeof x === "object") return Array.isArray(x) ? "an array" : "an object";
  return `${typeof x} ${String(x)}`;
}

function compile(compiled: CompiledStack): (...args: unknown[]) => void {
  // Same line as the code: keeps the bundle's line numbers, so its source map applies as is.
  // The timer functions are the loader's (see timers.ts): they shadow the globals in the bundle.
  const wrapper = `(function (exports, require, module, __filename, __dirname, ${TIMER_PARAMS.join(", ")}) {${compiled.code}\n})`;
  return vm.runInThisContext(wrapper, { filename: compiled.filename }) as (...args: unknown[]) => void;
}

/** Runs the bundle's top level under V8's watchdog: a stack that loops forever is stopped, not waited for. */
function execute(compiled: CompiledStack, timeoutMs: number, timers: StackTimers): unknown {
  const userRequire = createRequire(compiled.filename);
  const requireForStack = (id: string): unknown => (id === "@berth/dsl" ? dsl : userRequire(id));
  const module = { exports: {} as unknown };
  const fn = compile(compiled);
  // The global of the context the scripts run in (under jest, not the test's own globalThis).
  const slot = vm.runInThisContext("globalThis") as Record<symbol, (() => void) | undefined>;
  slot[RUN] = () => fn(module.exports, requireForStack, module, compiled.filename, path.dirname(compiled.filename), ...timers.bindings());
  try {
    vm.runInThisContext(`globalThis[Symbol.for("@berth/runtime.runStack")]()`, { timeout: timeoutMs, filename: "berth:load" });
  } finally {
    slot[RUN] = undefined;
  }
  return module.exports;
}

/** Runs the bundle; returns its `module.exports`. An exception is reported at the user's line. */
export function runBundle(compiled: CompiledStack, mapLocation: LocationMapper, options: RunOptions): unknown {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  try {
    return execute(compiled, timeoutMs, options.timers);
  } catch (err) {
    throw runError(err, compiled, mapLocation, { ...options, timeoutMs });
  }
}

/** Where a bundle frame of a stack trace is, as `file:line:col` of the user's source. */
export function locator(compiled: CompiledStack, mapLocation: LocationMapper): (stack: string) => string | undefined {
  return (stack) => firstUserFrame(stack, compiled, mapLocation);
}

/** What the stack threw (at its top level, in a timer's callback, as its export's rejection), as the error the user sees, at the user's line. */
export function runError(err: unknown, compiled: CompiledStack, mapLocation: LocationMapper, options: Omit<RunOptions, "timers">): unknown {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  // The DSL's own errors (a validation error, an unset env()) already say where and what.
  if (dsl.BerthError.isBerthError(err)) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
    return new LoadTimeoutError(`${options.shown}: did not finish loading within ${timeoutMs / 1000} s (--load-timeout): an endless loop?`, { cause: err });
  }
  // Duck-typed: the bundle may run in another realm than ours (e.g. under jest), where instanceof fails.
  if (typeof err !== "object" || err === null || !("message" in err)) {
    return new NonErrorThrow(`${options.shown}: threw ${describeThrown(err)}, not an Error (throw new Error(…) to get a stack trace)`, err);
  }
  const e = err as Error;
  const where = firstUserFrame(e.stack ?? "", compiled, mapLocation);
  if (code === "MODULE_NOT_FOUND") {
    // Node's message lists the require stack, temp bundle included: the package is what the user needs to know.
    const name = /Cannot find module '([^']+)'/.exec(e.message)?.[1] ?? "?";
    const hint = name.startsWith(".") ? "check the path" : `install it beside the stack (npm install ${name})`;
    return new LoadError(`${where ?? options.shown}: cannot find module "${name}": ${hint}`, { cause: err });
  }
  const frames = userFrames(e.stack ?? "", compiled, mapLocation);
  const head = `${where ? `${where}: ` : ""}${e.name}: ${e.message}`;
  return new LoadError([head, ...frames].join("\n"), { cause: err });
}

interface Paused {
  readonly params: { readonly callFrames: readonly { readonly location: { scriptId: string; lineNumber: number; columnNumber: number } }[] };
}

/**
 * Where the stack threw a value that is not an Error (`throw "x"` has no stack trace): runs it
 * once more with the inspector pausing on every exception, and keeps the last one thrown in
 * the bundle. Only on this error path, so loading pays nothing for it otherwise.
 */
export function locateThrow(compiled: CompiledStack, mapLocation: LocationMapper, timeoutMs: number): SourceLocation | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only on this error path
  const inspector = require("node:inspector") as typeof import("node:inspector");
  const session = new inspector.Session();
  session.connect();
  const bundleScripts = new Set<string>();
  let last: SourceLocation | undefined;
  session.on("Debugger.scriptParsed", (m: { params: { scriptId: string; url: string } }) => {
    if (m.params.url === compiled.filename || m.params.url.endsWith(compiled.filename)) bundleScripts.add(m.params.scriptId);
  });
  session.on("Debugger.paused", (m: Paused) => {
    const top = m.params.callFrames[0]?.location;
    if (top && bundleScripts.has(top.scriptId)) last = { file: compiled.filename, line: top.lineNumber + 1, column: top.columnNumber + 1 };
    session.post("Debugger.resume");
  });
  session.post("Debugger.enable");
  session.post("Debugger.setPauseOnExceptions", { state: "all" });
  const timers = new StackTimers(Date.now() + timeoutMs, () => undefined);
  try {
    execute(compiled, timeoutMs, timers);
  } catch {
    /* the throw we are locating */
  } finally {
    timers.stop();
    session.post("Debugger.disable");
    session.disconnect();
  }
  return last && mapLocation(last);
}
