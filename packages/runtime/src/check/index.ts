/**
 * `typecheck(file)`: type-checks a stack file and the local files it imports against the
 * DSL's declarations, with the user's tsconfig.json when there is one, and returns each
 * diagnostic at the user's own file:line:col.
 *
 * It runs with the project's own TypeScript (the `typescript` package its `tsc` and editor use,
 * found from the stack's folder, else the one beside the runtime): an optional peer dependency,
 * so a missing one is a one-line MissingPackageError saying what to install.
 *
 * A check costs ~1 s (TypeScript and the standard library's declarations), too much for every
 * apply; so results are cached by the content of every file the check read (the stack, its
 * local imports, the tsconfig, the DSL's declarations) and TypeScript's version: an unchanged
 * stack is answered from the cache without loading TypeScript at all.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LoadError, MissingPackageError } from "../errors";
import { cacheDir } from "../load/compile";
import { findPackage, loadPackage } from "../internal/optional";
import { dslTypes } from "./dsl-types";
import { sha256 } from "../internal/hash";

export interface CheckOptions {
  /** Folder that file names in diagnostics are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Answer from the cache when no input changed (false checks again, and refreshes the cache). @default true */
  readonly cache?: boolean;
}

export interface CheckDiagnostic {
  /** Relative to `cwd`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly category: "error" | "warning";
  /** TypeScript's code, e.g. 2322. */
  readonly code: number;
  /** The message, its chain flattened onto indented lines. */
  readonly message: string;
}

export interface CheckResult {
  readonly file: string;
  readonly diagnostics: readonly CheckDiagnostic[];
  /** True when the answer came from the cache. */
  readonly cached: boolean;
  /** The tsconfig.json used, if any. */
  readonly tsconfig?: string;
}

/** `stack.ts:3:11: error TS2322: Type 'number' is not assignable to type 'string'.` */
export function formatDiagnostic(d: CheckDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.category} TS${d.code}: ${d.message}`;
}

/** The nearest tsconfig.json from `dir` upwards. */
export function findTsconfig(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

const CACHE_FORMAT = 2;
const hashFile = (file: string) => {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return "-";
  }
};

/** A diagnostic with its absolute file (the cache stores these; results are relative to the caller's cwd). */
export type LocatedDiagnostic = Omit<CheckDiagnostic, "file"> & { readonly abs: string };

interface CacheEntry {
  /** Content hash of the DSL's types the check ran against (a changed DSL checks again). */
  readonly dsl: string;
  /** The TypeScript that checked: its folder and version (another TypeScript checks again). */
  readonly ts: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly diagnostics: readonly LocatedDiagnostic[];
}

function cacheFile(abs: string): string {
  return path.join(cacheDir(), `check-${sha256(`${CACHE_FORMAT}\0${abs}`).slice(0, 32)}.json`);
}

function readCache(abs: string, tsconfig: string | undefined, dsl: string, ts: string): CacheEntry | undefined {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(fs.readFileSync(cacheFile(abs), "utf8")) as CacheEntry;
  } catch {
    return undefined;
  }
  if (entry.dsl !== dsl || entry.ts !== ts || entry.inputs["tsconfig"] !== (tsconfig ?? "-")) return undefined;
  for (const [file, hash] of Object.entries(entry.inputs)) if (file !== "tsconfig" && hashFile(file) !== hash) return undefined;
  return entry;
}

function writeCache(abs: string, entry: CacheEntry): void {
  try {
    const file = cacheFile(abs);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(entry));
    fs.renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    /* the cache is an optimisation */
  }
}

/** Type-checks `file`; diagnostics only for the user's files (never for the DSL or lib declarations). */
export async function typecheck(file: string, options: CheckOptions = {}): Promise<CheckResult> {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  const shown = path.relative(cwd, abs) || abs;
  if (!fs.existsSync(abs)) throw new LoadError(`${shown}: stack file not found`);
  const tsconfig = findTsconfig(path.dirname(abs));
  const relative = (d: LocatedDiagnostic): CheckDiagnostic => {
    const { abs: at, ...rest } = d;
    return { file: path.relative(cwd, at) || at, ...rest };
  };
  const dsl = dslTypes();
  const compiler = findPackage("typescript", [path.dirname(abs)]);
  if (!compiler) throw new MissingPackageError("typescript", "Type-checking a stack", "latest");
  const tsKey = `${compiler.dir}@${compiler.version}`;
  if (options.cache !== false) {
    const hit = readCache(abs, tsconfig, dsl.hash, tsKey);
    if (hit) return { file: abs, diagnostics: hit.diagnostics.map(relative), cached: true, tsconfig };
  }
  const ts = loadPackage<typeof import("typescript")>(compiler);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dslDeclarations, runCheck } = require("./program") as typeof import("./program");
  const { diagnostics, inputs } = runCheck(ts, abs, tsconfig, dslDeclarations(dsl, ts));
  const entry: CacheEntry = {
    dsl: dsl.hash,
    ts: tsKey,
    inputs: { tsconfig: tsconfig ?? "-", ...Object.fromEntries([...inputs, ...(tsconfig ? [tsconfig] : [])].map((f) => [f, hashFile(f)])) },
    diagnostics,
  };
  writeCache(abs, entry); // also with cache: false, which only skips reading (a refresh)
  return { file: abs, diagnostics: diagnostics.map(relative), cached: false, tsconfig };
}
