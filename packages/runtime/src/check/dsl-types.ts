/**
 * The DSL's declaration files, the types `dsl check` checks a stack against: the same DSL the
 * runtime runs the stack with (`load` hands every stack the runtime's own `@berth/dsl`), so
 * the check and the run agree. An installed DSL ships them (`dist/index.d.ts`); a source
 * checkout (this monorepo) has only `src/`, so `dslDeclarations` (program.ts, with TypeScript)
 * emits them once from it, cached by its content hash: declarations are what a checker reads
 * fastest (no bodies).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The DSL package's folder: resolved like a dependency (the name is built so that bundlers leave it alone). */
export function dslPackageDir(): string {
  const spec = ["@berth", "dsl", "package.json"].join("/");
  try {
    return path.dirname(require.resolve(spec, { paths: [__dirname] }));
  } catch {
    for (let d = __dirname; path.dirname(d) !== d; d = path.dirname(d)) {
      for (const candidate of [path.join(d, "node_modules/@berth/dsl"), path.join(d, "packages/dsl")]) {
        if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
      }
    }
    throw new Error("cannot find the @berth/dsl package to type-check against");
  }
}

/** Where the DSL's types come from. Cheap to compute: a warm check needs only this. */
export interface DslTypes {
  /** The DSL package's folder. */
  readonly dir: string;
  /** Its TypeScript sources (a source checkout), or undefined when it ships declarations. */
  readonly srcDir?: string;
  /** Content hash of the sources or of the shipped declarations: a changed DSL checks again. */
  readonly hash: string;
}

/** The files below `dir` whose names `keep` accepts, sorted (a stable hash input). */
export function files(dir: string, keep: (name: string) => boolean): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name), keep) : keep(e.name) ? [path.join(dir, e.name)] : []))
    .sort();
}

/** A TypeScript source, not a declaration file. */
export const isSource = (name: string) => name.endsWith(".ts") && !name.endsWith(".d.ts");
const isDeclaration = (name: string) => name.endsWith(".d.ts");

function contentHash(dir: string, list: readonly string[]): string {
  const h = createHash("sha256");
  for (const file of list) h.update(path.relative(dir, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  return h.digest("hex").slice(0, 24);
}

/** The shipped `index.d.ts`, as the package's own `types` names it. */
export function shippedIndex(dir: string): string {
  const { types } = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { types?: string };
  return path.resolve(dir, types ?? "dist/index.d.ts");
}

/** Locates the DSL's types: its sources when the package has them, else the declarations it ships. */
export function dslTypes(): DslTypes {
  const dir = dslPackageDir();
  const srcDir = path.join(dir, "src");
  if (fs.existsSync(path.join(srcDir, "index.ts"))) return { dir, srcDir, hash: contentHash(srcDir, files(srcDir, isSource)) };
  const index = shippedIndex(dir);
  if (!fs.existsSync(index)) throw new Error(`@berth/dsl at ${dir} has neither src/index.ts nor ${path.relative(dir, index)}: reinstall it`);
  const declDir = path.dirname(index);
  return { dir, hash: contentHash(declDir, files(declDir, isDeclaration)) };
}
