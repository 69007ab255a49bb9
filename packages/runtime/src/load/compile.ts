/**
 * Compiles a stack file and its local imports into one CommonJS bundle with esbuild.
 *
 * npm packages stay external (required at run time from the user's node_modules) and so
 * does `@berth/dsl`, which the runner maps to the one DSL instance the runtime uses.
 * Bundles are cached by content: a warm run hashes the input files it recorded and, when
 * none changed, skips esbuild (and its ~20 ms start) entirely.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LoadError } from "../errors";
import { sha256 } from "../internal/hash";

export interface CompiledStack {
  /** Path the bundle pretends to live at: beside the stack file, so relative `require`s resolve. */
  readonly filename: string;
  readonly code: string;
  /** Source map (JSON text); `sources` are relative to the bundle's folder. */
  readonly map: string;
  /** True when the bundle came from the cache. */
  readonly cached: boolean;
  /** Absolute paths of the local files the bundle was made from (the stack and what it imports; npm packages stay out). */
  readonly inputs: readonly string[];
}

interface CacheEntry {
  readonly key: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly code: string;
  readonly map: string;
}

/** Bump when the bundle format changes, so that old cache entries are ignored. */
const CACHE_FORMAT = 1;

export function cacheDir(): string {
  return process.env.BERTH_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "berth");
}

function cacheFile(entry: string): string {
  return path.join(cacheDir(), `bundle-${sha256(`${CACHE_FORMAT}\0${entry}`).slice(0, 32)}.json`);
}

/** Content hash, or "-" for a missing file (so that creating it invalidates the cache too). */
function hashFile(file: string): string {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return "-";
  }
}

/** esbuild reads the nearest tsconfig.json (paths, jsx…): every candidate is a cache input. */
function tsconfigCandidates(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    out.push(path.join(d, "tsconfig.json"));
    if (path.dirname(d) === d) return out;
  }
}

function readCache(entry: string): CacheEntry | undefined {
  let cached: CacheEntry;
  try {
    cached = JSON.parse(fs.readFileSync(cacheFile(entry), "utf8")) as CacheEntry;
  } catch {
    return undefined;
  }
  for (const [file, hash] of Object.entries(cached.inputs)) {
    if (hashFile(file) !== hash) return undefined;
  }
  return cached;
}

function writeCache(entry: string, value: CacheEntry): void {
  // The cache is an optimisation: a read-only home or a full disk must not fail a synth.
  try {
    const file = cacheFile(entry);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, file);
  } catch {
    /* ignore */
  }
}

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number; lineText: string } | null;
}

/** `stack.ts:3:14: error: Expected ";" but found "x"` with the offending line and a caret. */
function formatEsbuildErrors(errors: readonly EsbuildMessage[], cwd: string, absDir: string): string {
  return errors
    .map((m) => {
      if (!m.location) return `error: ${m.text}`;
      const { file, line, column, lineText } = m.location;
      const shown = path.relative(cwd, path.resolve(absDir, file)) || file;
      return `${shown}:${line}:${column + 1}: error: ${m.text}\n    ${lineText}\n    ${" ".repeat(column)}^`;
    })
    .join("\n");
}

export async function compileStack(file: string, cwd: string, useCache: boolean): Promise<CompiledStack> {
  const dir = path.dirname(file);
  const filename = path.join(dir, `.${path.basename(file)}.berth.js`);
  if (useCache) {
    const hit = readCache(file);
    if (hit) return { filename, code: hit.code, map: hit.map, cached: true, inputs: sources(hit.inputs) };
  }
  // Loaded only on a cache miss: the warm path never pays for esbuild's start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  let result: import("esbuild").BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [file],
      outfile: filename,
      absWorkingDir: dir,
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      sourcemap: "external",
      sourcesContent: false,
      packages: "external",
      external: ["@berth/dsl"],
      logLevel: "silent",
    });
  } catch (err) {
    const errors = (err as { errors?: EsbuildMessage[] }).errors;
    if (!errors) throw err;
    throw new LoadError(formatEsbuildErrors(errors, cwd, dir), { cause: err });
  }
  const out = result.outputFiles;
  // The map travels beside the code (we map positions ourselves); drop esbuild's pointer to a file that never exists.
  const code = (out.find((f) => f.path.endsWith(".js"))?.text ?? "").replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  const map = out.find((f) => f.path.endsWith(".map"))?.text ?? "{}";
  const inputs: Record<string, string> = {};
  const files = Object.keys(result.metafile.inputs).map((input) => path.resolve(dir, input));
  for (const abs of [...files, ...tsconfigCandidates(dir)]) inputs[abs] = hashFile(abs);
  if (useCache) writeCache(file, { key: file, inputs, code, map });
  return { filename, code, map, cached: false, inputs: sources(inputs) };
}

/** The recorded inputs that are source files (not the tsconfig candidates, which may not exist). */
function sources(inputs: Readonly<Record<string, string>>): string[] {
  return Object.keys(inputs).filter((f) => !/(^|[/\\])tsconfig[^/\\]*\.json$/.test(f) && !f.includes(`${path.sep}node_modules${path.sep}`));
}

/**
 * The local files a stack is made of (itself and every module it imports), for `dsl watch`; only
 * the stack itself when it does not compile.
 */
export async function stackInputs(file: string, cwd: string): Promise<string[]> {
  try {
    return [...(await compileStack(file, cwd, true)).inputs];
  } catch {
    return [file];
  }
}
