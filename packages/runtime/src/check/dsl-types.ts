/**
 * The DSL's declaration files, the types `dsl check` checks a stack against: the same DSL the
 * runtime runs the stack with (`load` hands every stack the runtime's own `@berth/dsl`), so
 * the check and the run agree. Emitted once from the DSL's sources and cached by their
 * content hash: declarations are what a checker reads fastest (no bodies).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { cacheDir } from "../load/compile";

/** The DSL package's folder: resolved like a dependency (the name is built so that bundlers leave it alone). */
export function dslPackageDir(): string {
  const spec = ["@berth", "dsl", "package.json"].join("/");
  try {
    return path.dirname(require.resolve(spec, { paths: [__dirname] }));
  } catch {
    for (let d = __dirname; path.dirname(d) !== d; d = path.dirname(d)) {
      for (const candidate of [path.join(d, "node_modules/@berth/dsl"), path.join(d, "packages/dsl")]) {
        if (fs.existsSync(path.join(candidate, "src/index.ts"))) return candidate;
      }
    }
    throw new Error("cannot find the @berth/dsl package to type-check against");
  }
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

/** Content hash of the DSL's sources: the cache key of its declarations. */
export function dslSourceHash(srcDir: string): string {
  const h = createHash("sha256");
  for (const file of sourceFiles(srcDir)) h.update(path.relative(srcDir, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  return h.digest("hex").slice(0, 24);
}

/** Path of the DSL's `index.d.ts`, emitting the declarations when the cache has none for these sources. */
export function dslDeclarations(): { readonly index: string; readonly hash: string } {
  const srcDir = path.join(dslPackageDir(), "src");
  const hash = dslSourceHash(srcDir);
  const outDir = path.join(cacheDir(), `dsl-types-${hash}`);
  const index = path.join(outDir, "index.d.ts");
  if (fs.existsSync(index)) return { index, hash };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Project, ts } = require("ts-morph") as typeof import("ts-morph");
  const project = new Project({
    compilerOptions: {
      declaration: true,
      emitDeclarationOnly: true,
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      rootDir: srcDir,
      outDir,
      skipLibCheck: true,
      types: [],
      lib: ["lib.es2022.d.ts"],
    },
    skipAddingFilesFromTsConfig: true,
  });
  project.addSourceFilesAtPaths(path.join(srcDir, "**/*.ts"));
  const result = project.emitToMemory({ emitOnlyDtsFiles: true });
  const tmp = `${outDir}.${process.pid}.tmp`;
  for (const file of result.getFiles()) {
    const rel = path.relative(outDir, file.filePath);
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), file.text);
  }
  try {
    fs.renameSync(tmp, outDir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process won the race: its output is the same
  }
  return { index, hash };
}
