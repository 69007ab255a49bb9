/**
 * Captures where the user wrote `new X(…)`, so that every later error can point there.
 *
 * V8 stack frames look like `at new Service (/abs/file.ts:12:5)` or `at /abs/file.ts:12:5`.
 * Frames inside this package's own source folder are skipped; the folder is derived from
 * this function's own frame, so it stays right wherever the package is installed.
 */
import { formatLocation, type SourceLocation } from "../graph";
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

/** Set while {@link locatedAt} runs. */
let override: SourceLocation | undefined;

/** Runs `make` with every {@link captureLocation} answering `location` (an implicit stack is located at its first construct). */
export function locatedAt<T>(location: SourceLocation, make: () => T): T {
  const previous = override;
  override = location;
  try {
    return make();
  } finally {
    override = previous;
  }
}

/** True for a class marked `static _locatedAtSuper` (the resources), or a subclass of one. */
export function locatedAtSuper(cls: unknown): boolean {
  return (cls as { _locatedAtSuper?: boolean } | undefined)?._locatedAtSuper === true;
}

/** The names V8 prints as `at new Name (…)` for the constructors of `cls` and its base classes. */
function constructorNames(cls: unknown): Set<string> {
  const names = new Set<string>();
  for (let c = cls; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c) as unknown) {
    if ((c as { name?: string }).name) names.add((c as { name: string }).name);
  }
  return names;
}

interface UserFrame extends Frame {
  /** `X` of a frame `at new X (…)`: the frame is inside the constructor of class X. */
  readonly constructs?: string;
}

/** The frames of the current stack outside this package and node's own, innermost first, minus those of `cls`'s constructors. */
function userFrames(cls: unknown): UserFrame[] {
  const limit = Error.stackTraceLimit;
  // Enough for the DSL's own frames and a few user helpers; every extra frame is formatted and parsed.
  Error.stackTraceLimit = 20;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const skipped = constructorNames(cls);
  const frames: UserFrame[] = [];
  for (const line of stack.split("\n")) {
    const constructs = /^\s*at new (\S+) /.exec(line)?.[1];
    if (constructs !== undefined && skipped.has(constructs)) continue;
    const frame = parseFrame(line);
    if (frame) frames.push(constructs !== undefined ? { ...frame, constructs } : frame);
  }
  const folder = ownFolder(frames);
  return frames.filter((f) => !f.file.startsWith("node:") && !(folder !== undefined && isInside(f.file, folder)));
}

function mapped(frame: Frame): SourceLocation {
  const map = currentSession().mapLocation;
  const loc = map ? map({ file: frame.file, line: frame.line, column: frame.column }) : undefined;
  // Only the three fields: a mapper may return richer objects, the graph stays plain.
  if (loc) return { file: loc.file, line: loc.line, column: loc.column };
  return { file: relativeToCwd(frame.file), line: frame.line, column: frame.column };
}

/**
 * The location of the first caller outside this package (mapped through the session's
 * `mapLocation`). With `cls` (a constructor's `new.target`), the frames of its constructor and
 * its base classes' are skipped too: a user's component is located where the user made it,
 * not at its `super(…)` call.
 */
export function captureLocation(cls?: unknown): SourceLocation {
  if (override) return override;
  const user = userFrames(cls)[0];
  return user ? mapped(user) : UNKNOWN;
}

/**
 * For an error thrown while the user's components are being made: `; in WebApp at
 * stack.ts:5:1` for each user constructor the call is inside, innermost first (where the user
 * made it), so that the message names the user's `new WebApp(…)` line too. Empty outside one.
 */
export function constructorTrail(): string {
  const frames = userFrames(undefined);
  const out: string[] = [];
  frames.forEach((f, i) => {
    const caller = frames[i + 1];
    if (f.constructs !== undefined && caller) out.push(`; in ${f.constructs} at ${formatLocation(mapped(caller))}`);
  });
  return out.join("");
}
