/** The check itself, with the TypeScript compiler API (loaded lazily by `typecheck`, only when the cache misses). */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as TS from "typescript";
import { cacheDir } from "../load/compile";
import { type DslTypes, files, isSource, shippedIndex } from "./dsl-types";
import type { LocatedDiagnostic } from "./index";

type Located = LocatedDiagnostic;

function flatten(message: string | TS.DiagnosticMessageChain, indent = 0): string {
  if (typeof message === "string") return message;
  const head = `${"  ".repeat(indent)}${message.messageText}`;
  return [head, ...(message.next ?? []).map((m) => flatten(m, indent + 1))].join("\n");
}

/** Path of the DSL's `index.d.ts`: the shipped one, or one emitted from the sources (once per content hash). */
export function dslDeclarations(types: DslTypes, ts: typeof TS): string {
  if (!types.srcDir) return shippedIndex(types.dir);
  const outDir = path.join(cacheDir(), `dsl-types-${types.hash}-ts${ts.versionMajorMinor}`);
  const index = path.join(outDir, "index.d.ts");
  if (fs.existsSync(index)) return index;
  const options: TS.CompilerOptions = {
    declaration: true,
    emitDeclarationOnly: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    rootDir: types.srcDir,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es2022.d.ts"],
  };
  const program = ts.createProgram(files(types.srcDir, isSource), options);
  const tmp = `${outDir}.${process.pid}.tmp`;
  program.emit(undefined, (file, text) => {
    const target = path.join(tmp, path.relative(types.srcDir as string, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  });
  try {
    fs.renameSync(tmp, outDir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process won the race: its output is the same
  }
  return index;
}

/** The compiler options: the user's tsconfig's, else strict defaults; always no emit and our DSL for `@berth/dsl`. */
function compilerOptions(ts: typeof TS, tsconfig: string | undefined, dslIndex: string): TS.CompilerOptions {
  let base: TS.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    esModuleInterop: true,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es2022.d.ts"],
  };
  if (tsconfig) {
    const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, path.dirname(tsconfig), undefined, tsconfig);
    base = { ...parsed.options };
  }
  // The stack runs with the runtime's own DSL (see load/run.ts): check against the same one.
  const paths = { ...(base.paths ?? {}), "@berth/dsl": [dslIndex] };
  const options: TS.CompilerOptions = { ...base, noEmit: true, paths, composite: false, incremental: false };
  // TypeScript 6 deprecates options (baseUrl, node10) that configs written for TypeScript 5 still use.
  if (Number(ts.versionMajorMinor.split(".")[0]) >= 6) options.ignoreDeprecations = "6.0";
  return options;
}

/**
 * Node's types, so that a stack may read `process.env`: the user's own `@types/node` when the
 * stack's folder resolves one (the same file TypeScript would pick, so nothing is declared
 * twice), else the one installed with Berth. Undefined when neither exists.
 */
export function nodeTypes(abs: string): string | undefined {
  for (const from of [abs, __filename]) {
    try {
      return createRequire(from).resolve("@types/node/index.d.ts");
    } catch {
      /* not from here: try the next */
    }
  }
  return undefined;
}

export function runCheck(ts: typeof TS, abs: string, tsconfig: string | undefined, dslIndex: string): { diagnostics: Located[]; inputs: string[] } {
  const node = nodeTypes(abs);
  const program = ts.createProgram(node ? [abs, node] : [abs], compilerOptions(ts, tsconfig, dslIndex));
  const dslDir = path.dirname(dslIndex);
  const isUser = (f: string) => !f.includes("/node_modules/") && !f.startsWith(dslDir + path.sep);
  const inputs = program
    .getSourceFiles()
    .map((f) => path.resolve(f.fileName))
    .filter((f) => isUser(f) || f === dslIndex);
  const diagnostics: Located[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? path.resolve(d.file.fileName) : undefined;
    if (file && !isUser(file)) continue;
    if (d.category !== ts.DiagnosticCategory.Error && d.category !== ts.DiagnosticCategory.Warning) continue;
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1, character: -1 };
    const category = d.category === ts.DiagnosticCategory.Warning ? "warning" : "error";
    diagnostics.push({ abs: file ?? abs, line: pos.line + 1, column: pos.character + 1, category, code: d.code, message: flatten(d.messageText) });
  }
  return { diagnostics, inputs };
}
