/**
 * Captures where the user wrote `new X(…)`, so that every later error can point there.
 *
 * V8 stack frames look like `at new Service (/abs/file.ts:12:5)` or `at /abs/file.ts:12:5`.
 * Frames inside this package's own source folder are skipped; the folder is derived from
 * this function's own frame, so it stays right wherever the package is installed.
 */
import type { SourceLocation } from "../graph";
import { currentSession } from "./session";

const FRAME = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/;

interface Frame {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function parseFrame(line: string): Frame | undefined {
  const m = FRAME.exec(line.trim());
  if (!m || !/^\s*at /.test(line)) return undefined;
  let file = m[1];
  if (file.startsWith("file://")) file = decodeURIComponent(file.slice("file://".length));
  return { file, line: Number(m[2]), column: Number(m[3]) };
}

function dirname(file: string): string {
  const i = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return i < 0 ? "" : file.slice(0, i);
}

function basename(file: string): string {
  const i = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return file.slice(i + 1);
}

/** The package's source folder: the parent of `internal/`, where this file lives. */
function ownFolder(frames: readonly Frame[]): string | undefined {
  const own = frames[0];
  if (!own) return undefined;
  const dir = dirname(own.file);
  return basename(dir) === "internal" ? dirname(dir) : dir;
}

function isInside(file: string, folder: string): boolean {
  return file === folder || file.startsWith(folder + "/") || file.startsWith(folder + "\\");
}

/** Relative to the working directory when the file lies under it, as the graph documents. */
function relativeToCwd(file: string): string {
  const cwd = typeof process !== "undefined" && typeof process.cwd === "function" ? process.cwd() : undefined;
  if (cwd && isInside(file, cwd) && file !== cwd) return file.slice(cwd.length + 1);
  return file;
}

const UNKNOWN: SourceLocation = { file: "<unknown>", line: 0, column: 0 };

function userFrames(): Frame[] {
  const limit = Error.stackTraceLimit;
  // Enough for the DSL's own frames and a few user helpers; every extra frame is formatted and parsed.
  Error.stackTraceLimit = 20;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const frames = stack
    .split("\n")
    .map(parseFrame)
    .filter((f): f is Frame => f !== undefined);
  const folder = ownFolder(frames);
  const first = frames.findIndex((f) => !f.file.startsWith("node:") && !(folder !== undefined && isInside(f.file, folder)));
  if (first < 0) return [];
  // The user's code is the file of the first user frame (a bundle of the stack and its helpers, when loaded by the runtime).
  return frames.slice(first).filter((f) => f.file === frames[first].file);
}

function mapped(frame: Frame): SourceLocation {
  const map = currentSession().mapLocation;
  const m = map ? map({ file: frame.file, line: frame.line, column: frame.column }) : undefined;
  // Only the three fields: a mapper may return richer objects, the graph stays plain.
  if (m) return { file: m.file, line: m.line, column: m.column };
  return { file: relativeToCwd(frame.file), line: frame.line, column: frame.column };
}

/** The location of the first caller outside this package (mapped through the session's `mapLocation`). */
export function captureLocation(): SourceLocation {
  const [user] = userFrames();
  return user ? mapped(user) : UNKNOWN;
}

/**
 * Where a construct is made, and, when that is in a helper file, the calls in other files that
 * led there (`stack.ts:5:1` for `web()` of `helpers.ts`), innermost first, at most three.
 * `callers` is empty when the construct is made in the file that calls nothing else.
 */
export function captureSite(): { location: SourceLocation; callers: SourceLocation[] } {
  const [user, ...rest] = userFrames().map(mapped);
  const callers: SourceLocation[] = [];
  let file = user?.file;
  for (const loc of rest) {
    if (loc.file === file) continue;
    callers.push(loc);
    file = loc.file;
    if (callers.length === 3) break;
  }
  return { location: user ?? UNKNOWN, callers };
}
