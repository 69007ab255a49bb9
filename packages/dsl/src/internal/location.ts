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

/** The location of the first caller outside this package (mapped through the session's `mapLocation`). */
export function captureLocation(): SourceLocation {
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
  const user = frames.find((f) => !f.file.startsWith("node:") && !(folder !== undefined && isInside(f.file, folder)));
  if (!user) return UNKNOWN;
  const map = currentSession().mapLocation;
  const mapped = map ? map({ file: user.file, line: user.line, column: user.column }) : undefined;
  // Only the three fields: a mapper may return richer objects, the graph stays plain.
  if (mapped) return { file: mapped.file, line: mapped.line, column: mapped.column };
  return { file: relativeToCwd(user.file), line: user.line, column: user.column };
}
