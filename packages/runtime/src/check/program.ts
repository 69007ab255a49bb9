/** The check itself, with ts-morph (required lazily by `typecheck`, only when the cache misses). */
import * as path from "node:path";
import type { Diagnostic, DiagnosticMessageChain, ts as TS } from "ts-morph";
import type { LocatedDiagnostic } from "./index";

type Located = LocatedDiagnostic;

function flatten(message: string | DiagnosticMessageChain, indent = 0): string {
  if (typeof message === "string") return message;
  const head = `${"  ".repeat(indent)}${message.getMessageText()}`;
  return [head, ...(message.getNext() ?? []).map((m) => flatten(m, indent + 1))].join("\n");
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
  // ts-morph ships TypeScript 6, which deprecates options (baseUrl, node10) that users' TypeScript 5 configs still use.
  return { ...base, noEmit: true, paths, ignoreDeprecations: "6.0", composite: false, incremental: false };
}

export function runCheck(abs: string, tsconfig: string | undefined, dslIndex: string): { diagnostics: Located[]; inputs: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Project, ts } = require("ts-morph") as typeof import("ts-morph");
  const project = new Project({ compilerOptions: compilerOptions(ts, tsconfig, dslIndex), skipAddingFilesFromTsConfig: true });
  project.addSourceFileAtPath(abs);
  project.resolveSourceFileDependencies();
  const dslDir = path.dirname(dslIndex);
  const isUser = (f: string) => !f.includes("/node_modules/") && !f.startsWith(dslDir + path.sep);
  const inputs = project
    .getSourceFiles()
    .map((f) => f.getFilePath() as string)
    .filter((f) => isUser(f) || f === dslIndex);
  const diagnostics: Located[] = [];
  for (const d of project.getPreEmitDiagnostics() as Diagnostic[]) {
    const sf = d.getSourceFile();
    const file = sf?.getFilePath() as string | undefined;
    if (file && !isUser(file)) continue;
    const start = d.getStart();
    const pos = sf && start !== undefined ? sf.getLineAndColumnAtPos(start) : { line: 0, column: 0 };
    const category = d.getCategory() === ts.DiagnosticCategory.Warning ? "warning" : "error";
    if (d.getCategory() !== ts.DiagnosticCategory.Error && d.getCategory() !== ts.DiagnosticCategory.Warning) continue;
    diagnostics.push({ abs: file ?? abs, line: pos.line, column: pos.column, category, code: d.getCode(), message: flatten(d.getMessageText()) });
  }
  return { diagnostics, inputs };
}
