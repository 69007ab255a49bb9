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

/** Runs the bundle; returns its `module.exports`. An exception is reported at the user's line. */
export function runBundle(compiled: CompiledStack, mapLocation: LocationMapper): unknown {
  const userRequire = createRequire(compiled.filename);
  const requireForStack = (id: string): unknown => (id === "@berth/dsl" ? dsl : userRequire(id));
  const module = { exports: {} as unknown };
  // Same line as the code: keeps the bundle's line numbers, so its source map applies as is.
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${compiled.code}\n})`;
  try {
    const fn = vm.runInThisContext(wrapper, { filename: compiled.filename }) as (...args: unknown[]) => void;
    fn(module.exports, requireForStack, module, compiled.filename, path.dirname(compiled.filename));
  } catch (err) {
    // The DSL's own errors (a validation error, an unset env()) already say where and what.
    if (dsl.BerthError.isBerthError(err)) throw err;
    // Duck-typed: the bundle may run in another realm than ours (e.g. under jest), where instanceof fails.
    const e = typeof err === "object" && err !== null && "message" in err ? (err as Error) : new Error(String(err));
    const where = firstUserFrame(e.stack ?? "", compiled, mapLocation);
    const frames = userFrames(e.stack ?? "", compiled, mapLocation);
    const head = `${where ? `${where}: ` : ""}${e.name}: ${e.message}`;
    throw new LoadError([head, ...frames].join("\n"), { cause: err });
  }
  return module.exports;
}
