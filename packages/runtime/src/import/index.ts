/**
 * `importCompose(file)`: a docker-compose file → a typed stack.ts, as a person would write it.
 *
 * Read (YAML 1.1, positions kept) → check every key against the compose specification →
 * interpolate `${VAR}` (environment, then `.env` beside the file) → merge `extends` → map
 * each resource to its construct's props (references as objects, unmodeled keys in `extra`)
 * → order the declarations so that every reference points up → generate with ts-morph.
 * Any problem is one {@link ImportError} line naming the file and the line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectNameFromDir } from "../load";
import { generateStack } from "./codegen";
import type { MapContext } from "./context";
import { ImportError } from "./errors";
import { resolveExtends } from "./extends";
import { interpolate, parseDotEnv, type Variables } from "./interpolate";
import { checkFile, isObj } from "./keys";
import { type ConstructDecl, type ConstructKind, type Expr, Ref, refsOf, type StackModel } from "./model";
import { Namer } from "./names";
import { rebaseModel } from "./rebase";
import { fileResourceProps, networkProps, volumeProps } from "./resources";
import { serviceProps } from "./service";
import { ComposeSource } from "./source";

export { ImportError } from "./errors";
export type { StackModel } from "./model";

export interface ImportOptions {
  /** Folder that the file name in messages is relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Variables for `${VAR}`; they win over the `.env` beside the file. @default process.env */
  readonly env?: Variables;
  /** The folder the stack.ts will be written to: relative paths are rebased to it. @default the compose file's folder */
  readonly outDir?: string;
  /** The project name. @default the file's `name:`, else its `# project:` comment (written by `dsl synth`), else its folder's name */
  readonly project?: string;
}

export interface ImportResult {
  /** The generated stack.ts. */
  readonly code: string;
  readonly project: string;
  readonly model: StackModel;
}

type Obj = Record<string, unknown>;
const SECTIONS = [
  ["networks", "network"],
  ["volumes", "volume"],
  ["secrets", "secret"],
  ["configs", "config"],
] as const;

function projectName(file: Obj, text: string, dir: string, given: string | undefined): string {
  if (given) return given;
  if (typeof file.name === "string" && file.name !== "") return file.name;
  const comment = /^# project: (.+)$/m.exec(text.split("\n", 3).join("\n"))?.[1];
  return comment?.trim() || projectNameFromDir(dir);
}

/** Services so that each comes after the services it depends on (file order otherwise). */
function ordered(services: readonly ConstructDecl[]): ConstructDecl[] {
  const byIdent = new Map(services.map((s) => [s.ident, s]));
  const out: ConstructDecl[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (s: ConstructDecl) => {
    if (state.get(s.ident) === "done") return;
    if (state.get(s.ident) === "visiting") return; // a cycle: the DSL's validation reports it
    state.set(s.ident, "visiting");
    for (const ref of refsOf(s.props as Expr)) {
      const dep = byIdent.get(ref);
      if (dep) visit(dep);
    }
    state.set(s.ident, "done");
    out.push(s);
  };
  services.forEach(visit);
  return out;
}

/** The constructs of a compose file, as plain data (no code yet). */
export function composeToModel(text: string, file: string, options: ImportOptions = {}): StackModel {
  const cwd = options.cwd ?? process.cwd();
  const dir = path.dirname(path.resolve(cwd, file));
  const source = new ComposeSource(text, path.relative(cwd, path.resolve(cwd, file)) || file);
  if (!isObj(source.value)) throw new ImportError(`${source.shown}: expected a mapping of services (a compose file), got ${typeof source.value}`);
  const raw = source.value;
  checkFile(raw, source);
  if (raw.include !== undefined) throw source.error(`include is not supported; import the merged file (docker compose config)`, ["include"]);
  if (!isObj(raw.services) || Object.keys(raw.services).length === 0) throw source.error(`no services`, ["services"]);
  const dotenvFile = path.join(dir, ".env");
  const dotenv = fs.existsSync(dotenvFile) ? parseDotEnv(fs.readFileSync(dotenvFile, "utf8")) : {};
  const vars: Variables = { ...dotenv, ...(options.env ?? process.env) };
  const composeFile = interpolate(raw, vars, source) as Obj;
  for (const [name, svc] of Object.entries(composeFile.services as Obj)) {
    if (!isObj(svc)) throw source.error(`expected a mapping of service keys`, ["services", name]);
  }
  const services = resolveExtends(composeFile.services as Obj, source, path.resolve(cwd, file));

  const namer = new Namer();
  const idents = new Map<string, string>();
  const id = (kind: ConstructKind, name: string) => `${kind}\0${name}`;
  for (const name of Object.keys(services)) idents.set(id("service", name), namer.claim(name, "service"));
  for (const [section, kind] of SECTIONS) {
    const entries = composeFile[section];
    if (entries !== undefined && entries !== null && !isObj(entries)) throw source.error(`expected a mapping of ${section}`, [section]);
    for (const name of Object.keys(isObj(entries) ? entries : {})) idents.set(id(kind, name), namer.claim(name, kind));
  }
  let implicitDefault = false;
  const ctx: MapContext = {
    source,
    ref(kind, name, at) {
      let ident = idents.get(id(kind, name));
      if (ident === undefined && kind === "network" && name === "default") {
        ident = namer.claim("default", "network");
        idents.set(id(kind, name), ident);
        implicitDefault = true;
      }
      if (ident === undefined) throw source.error(`${kind} "${name}" is not declared under the top-level ${kind}s`, at);
      return new Ref(ident);
    },
  };

  const serviceDecls = Object.entries(services).map(([name, svc]): Omit<ConstructDecl, "referenced"> => {
    const { props, extraKeys } = serviceProps(name, svc as Obj, ctx);
    const comment = extraKeys.length > 0 ? `compose keys the DSL does not model (yet), carried verbatim: ${extraKeys.join(", ")}` : undefined;
    return { kind: "service", name, ident: idents.get(id("service", name)) as string, props: Object.keys(props).length > 0 ? props : undefined, comment };
  });
  const resourceDecls: Omit<ConstructDecl, "referenced">[] = [];
  if (implicitDefault && !(isObj(composeFile.networks) && "default" in composeFile.networks)) {
    resourceDecls.push({ kind: "network", name: "default", ident: idents.get(id("network", "default")) as string });
  }
  for (const [section, kind] of SECTIONS) {
    const entries = isObj(composeFile[section]) ? (composeFile[section] as Obj) : {};
    for (const [name, value] of Object.entries(entries)) {
      const props =
        kind === "network" ? networkProps(value) : kind === "volume" ? volumeProps(value) : fileResourceProps(value, kind, name, source);
      resourceDecls.push({ kind, name, ident: idents.get(id(kind, name)) as string, props });
    }
  }
  const used = new Set<string>();
  for (const s of serviceDecls) refsOf(s.props as Expr, used);
  const mark = (d: Omit<ConstructDecl, "referenced">): ConstructDecl => ({ ...d, referenced: used.has(d.ident) });
  return {
    project: projectName(raw, text, dir, options.project),
    constructs: [...resourceDecls.map(mark), ...ordered(serviceDecls.map(mark))],
  };
}

/** Reads `file` and generates its stack.ts. Throws {@link ImportError} (one line, with file and line) on any problem. */
export function importCompose(file: string, options: ImportOptions = {}): ImportResult {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (err) {
    throw new ImportError(`${path.relative(cwd, abs) || abs}: cannot read the compose file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  const model = rebaseModel(composeToModel(text, abs, options), path.dirname(abs), path.resolve(cwd, options.outDir ?? path.dirname(abs)));
  const header = `Imported from ${path.basename(abs)} by \`dsl import\`. Edit freely: \`dsl synth\` writes the compose file back.`;
  return { code: generateStack(model, header), project: model.project, model };
}
