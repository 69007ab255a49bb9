/**
 * StackModel → stack.ts source, built with ts-morph (structures for the import, the
 * declarations and the export; its code writer for the expressions) and formatted by it.
 * ts-morph costs ~0.5 s to load, so it is required only here, when code is generated; it is an
 * optional peer dependency, found from the folder the stack is written to (the user's project).
 */
import type { CodeBlockWriter, VariableStatementStructure, WriterFunction } from "ts-morph";
import { requirePackage } from "../internal/optional";
import { type ConstructDecl, EnvRead, type EnvPiece, type Expr, Octal, Ref, SensitiveExpr, type StackModel } from "./model";

const CLASS: Readonly<Record<ConstructDecl["kind"], string>> = {
  network: "Network",
  volume: "Volume",
  secret: "Secret",
  config: "Config",
  service: "Service",
};

/** Object keys that are identifiers are written bare (`image:`), others quoted (`"com.example.team":`). */
const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));

/** A string literal: double quotes, or single quotes when that saves escaping (`'--password="$(cat …)"'`). */
function literal(s: string): string {
  const json = JSON.stringify(s);
  if (!s.includes('"') || s.includes("'")) return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"')}'`;
}

/** `env("TAG")`, `env("TAG", "1.0")`, `env("TOKEN", { required: "ask ops" })`. */
function envCall(p: Exclude<EnvPiece, string>): string {
  if (p.default !== undefined) return `env(${JSON.stringify(p.name)}, ${literal(p.default)})`;
  if (p.required !== undefined) return `env(${JSON.stringify(p.name)}, { required: ${literal(p.required)} })`;
  return `env(${JSON.stringify(p.name)})`;
}

/** One read alone is the call; with text around it, a template literal. */
function envRead(e: EnvRead): string {
  if (e.pieces.length === 1 && typeof e.pieces[0] !== "string") return envCall(e.pieces[0]);
  const text = (s: string) => s.replace(/[\\`]/g, (c) => `\\${c}`).replace(/\$\{/g, "\\${");
  return `\`${e.pieces.map((p) => (typeof p === "string" ? text(p) : `\${${envCall(p)}}`)).join("")}\``;
}

/** The one-line form of an expression. */
function inline(e: Expr): string {
  if (e instanceof EnvRead) return envRead(e);
  if (e instanceof SensitiveExpr) return `sensitive(${inline(e.value)})`;
  if (e instanceof Ref) return e.ident;
  if (e instanceof Octal) return `0o${e.value.toString(8)}`;
  if (Array.isArray(e)) return `[${e.map((x) => inline(x as Expr)).join(", ")}]`;
  if (e !== null && typeof e === "object") {
    const entries = Object.entries(e);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${key(k)}: ${inline(v as Expr)}`).join(", ")} }`;
  }
  return typeof e === "string" ? literal(e) : JSON.stringify(e);
}

const WIDTH = 130;

/** Writes `e`: on one line when it fits in the width left, else one entry per line. */
function write(w: CodeBlockWriter, e: Expr, column: number): void {
  const flat = inline(e);
  if (
    column + flat.length <= WIDTH ||
    e === null ||
    typeof e !== "object" ||
    e instanceof Ref ||
    e instanceof Octal ||
    e instanceof EnvRead ||
    e instanceof SensitiveExpr
  ) {
    w.write(flat);
    return;
  }
  const indent = w.getIndentationLevel() * 2 + 2;
  const isList = Array.isArray(e);
  w.write(isList ? "[" : "{").newLine();
  w.indent(() => {
    const entries: [string | undefined, Expr][] = isList ? (e as readonly Expr[]).map((x) => [undefined, x]) : Object.entries(e as Record<string, Expr>);
    for (const [k, v] of entries) {
      const prefix = k === undefined ? "" : `${key(k)}: `;
      w.write(prefix);
      write(w, v, indent + prefix.length + 1);
      w.write(",").newLine();
    }
  });
  w.write(isList ? "]" : "}");
}

function constructor(decl: ConstructDecl) {
  return (w: CodeBlockWriter) => {
    const head = `new ${CLASS[decl.kind]}(${JSON.stringify(decl.name)}`;
    w.write(head);
    if (decl.props) {
      w.write(", ");
      write(w, decl.props, head.length + (decl.referenced ? decl.ident.length + 9 : 0) + 2);
    }
    w.write(")");
  };
}

/** What goes before a declaration: a blank line when it starts a group, then its comment. */
function leading(decl: ConstructDecl, blank: boolean): string {
  return `${blank ? "\n" : ""}${decl.comment === undefined ? "" : `// ${decl.comment}\n`}`;
}

type Statement = WriterFunction | VariableStatementStructure;

/** One construct's statement: `const x = new …(…);` when something references it, else the bare `new …(…);`. */
function constructStatement(decl: ConstructDecl, blank: boolean, tsMorph: typeof import("ts-morph")): Statement {
  if (decl.referenced) {
    return {
      kind: tsMorph.StructureKind.VariableStatement,
      leadingTrivia: leading(decl, blank),
      declarationKind: tsMorph.VariableDeclarationKind.Const,
      declarations: [{ name: decl.ident, initializer: constructor(decl) }],
    };
  }
  return (w) => {
    w.write(leading(decl, blank));
    constructor(decl)(w);
    w.write(";");
  };
}

/** `env` and `sensitive`, when some expression of the model calls them. */
function functionsUsed(model: StackModel): string[] {
  const used = new Set<string>();
  const visit = (e: Expr | undefined): void => {
    if (e instanceof EnvRead) used.add("env");
    else if (e instanceof SensitiveExpr) {
      used.add("sensitive");
      visit(e.value);
    } else if (Array.isArray(e)) e.forEach((x) => visit(x as Expr));
    else if (e !== null && typeof e === "object" && !(e instanceof Ref) && !(e instanceof Octal)) Object.values(e).forEach((x) => visit(x as Expr));
  };
  for (const c of model.constructs) visit(c.props);
  return [...used];
}

/** The stack.ts text for `model`; `header` becomes the file's leading doc comment; ts-morph is looked up from `projectDir` first. */
export function generateStack(model: StackModel, header: string, projectDir: string): string {
  const tsMorph = requirePackage<typeof import("ts-morph")>("ts-morph", "28", "Writing a stack.ts from a compose file", [projectDir]);
  const { Project, IndentationText, QuoteKind, VariableDeclarationKind } = tsMorph;
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double, useTrailingCommas: true },
  });
  const file = project.createSourceFile("/stack.ts", "");
  const classes = [...new Set(["Stack", ...model.constructs.map((c) => CLASS[c.kind]), ...functionsUsed(model)])].sort();
  file.addImportDeclaration({
    leadingTrivia: `/**\n${header
      .split("\n")
      .map((l) => ` * ${l}`.trimEnd())
      .join("\n")}\n */\n`,
    moduleSpecifier: "@berth/dsl",
    namedImports: classes,
  });
  file.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: "stack", initializer: `new Stack(${JSON.stringify(model.project)})` }],
  });
  // One insertion for all constructs: ts-morph reparses the file on each one (1,000 insertions of a growing file are quadratic).
  const statements: Statement[] = [];
  let previous: ConstructDecl["kind"] | undefined;
  for (const decl of model.constructs) {
    // Resources in one group, each service on its own, as the hand-written examples do.
    statements.push(constructStatement(decl, previous === undefined || decl.kind === "service" || previous === "service", tsMorph));
    previous = decl.kind;
  }
  file.addStatements(statements);
  file.addExportAssignment({ isExportEquals: false, expression: "stack" });
  file.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true, semicolons: tsMorph.ts.SemicolonPreference.Insert });
  return file.getFullText();
}
