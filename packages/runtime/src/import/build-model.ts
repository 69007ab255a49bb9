/**
 * A compose file's text → {@link StackModel}: read and check it, interpolate, merge
 * `extends`, name every construct, map each to its props, order the declarations.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectNameFromDir } from "../load";
import type { MapContext } from "./context";
import { ImportError } from "./errors";
import { resolveExtends } from "./extends";
import { interpolate, parseDotEnv, type Variables } from "./interpolate";
import { checkFile, isObj } from "./keys";
import { type ConstructDecl, type ConstructKind, type Expr, Ref, refsOf, type StackModel } from "./model";
import { Namer } from "./names";
import { collectOrigins, type Origins } from "./origins";
import { fileResourceProps, networkProps, volumeProps } from "./resources";
import { serviceProps } from "./service";
import { ComposeSource } from "./source";

type Obj = Record<string, unknown>;
type Decl = Omit<ConstructDecl, "referenced">;

const SECTIONS = [
  ["networks", "network"],
  ["volumes", "volume"],
  ["secrets", "secret"],
  ["configs", "config"],
] as const;

export interface ModelOptions {
  readonly cwd?: string;
  readonly env?: Variables;
  readonly project?: string;
}

/** What compose reads: the checked raw file, and the interpolated one with `extends` merged. */
interface ReadFile {
  readonly source: ComposeSource;
  readonly raw: Obj;
  readonly file: Obj;
  readonly services: Obj;
  /** Which variables the interpolated strings came from. */
  readonly origins: Origins;
}

function read(text: string, abs: string, cwd: string, env: Variables | undefined): ReadFile {
  const source = new ComposeSource(text, path.relative(cwd, abs) || abs);
  if (!isObj(source.value)) throw new ImportError(`${source.shown}: expected a mapping of services (a compose file), got ${typeof source.value}`);
  const raw = source.value;
  checkFile(raw, source);
  if (raw.include !== undefined) throw source.error(`include is not supported; import the merged file (docker compose config)`, ["include"]);
  // Nothing is dropped silently: a top-level section the DSL has no construct for fails the import.
  for (const key of Object.keys(raw)) {
    if (!key.startsWith("x-") && !["version", "name", "services", ...SECTIONS.map(([s]) => s)].includes(key)) {
      throw source.error(`top-level "${key}" is not supported by the DSL yet`, [key], { key: true });
    }
  }
  if (!isObj(raw.services) || Object.keys(raw.services).length === 0) throw source.error(`no services`, ["services"]);
  const dotenvFile = path.join(path.dirname(abs), ".env");
  const environ = env ?? process.env;
  const shownEnv = path.relative(cwd, dotenvFile) || dotenvFile;
  const dotenv = fs.existsSync(dotenvFile)
    ? parseDotEnv(fs.readFileSync(dotenvFile, "utf8"), environ, (what, line) => {
        throw new ImportError(`${shownEnv}: ${what} (line ${line})`);
      })
    : {};
  const vars = { ...dotenv, ...environ };
  const file = interpolate(raw, vars, source) as Obj;
  for (const [name, svc] of Object.entries(file.services as Obj)) {
    if (!isObj(svc)) throw source.error(`expected a mapping of service keys`, ["services", name]);
  }
  for (const [section] of SECTIONS) {
    const entries = file[section];
    if (entries !== undefined && entries !== null && !isObj(entries)) throw source.error(`expected a mapping of ${section}`, [section]);
  }
  return { source, raw, file, services: resolveExtends(file.services as Obj, source, abs), origins: collectOrigins(raw, vars) };
}

/** Variables for every construct (services claim theirs first), and references to them by name. */
class Registry implements MapContext {
  private readonly namer = new Namer();
  private readonly idents = new Map<string, string>();
  /** Set when a service joins `default` without declaring it (compose's implicit network). */
  implicitDefault = false;

  constructor(
    readonly source: ComposeSource,
    read: ReadFile,
  ) {
    for (const name of Object.keys(read.services)) this.claim("service", name);
    for (const [section, kind] of SECTIONS) {
      for (const name of Object.keys(isObj(read.file[section]) ? (read.file[section] as Obj) : {})) this.claim(kind, name);
    }
  }

  private claim(kind: ConstructKind, name: string): string {
    const ident = this.namer.claim(name, kind);
    this.idents.set(`${kind}\0${name}`, ident);
    return ident;
  }

  ident(kind: ConstructKind, name: string): string {
    return this.idents.get(`${kind}\0${name}`) as string;
  }

  has(kind: ConstructKind, name: string): boolean {
    return this.idents.has(`${kind}\0${name}`);
  }

  ref(kind: ConstructKind, name: string, at: readonly (string | number)[]): Ref {
    let ident = this.idents.get(`${kind}\0${name}`);
    if (ident === undefined && kind === "network" && name === "default") {
      ident = this.claim("network", "default");
      this.implicitDefault = true;
    }
    if (ident === undefined) throw this.source.error(`${kind} "${name}" is not declared under the top-level ${kind}s`, at);
    return new Ref(ident);
  }
}

function serviceDecls(read: ReadFile, registry: Registry): Decl[] {
  return Object.entries(read.services).map(([name, svc]) => {
    const { props, comment } = serviceProps(name, svc as Obj, registry);
    return { kind: "service", name, ident: registry.ident("service", name), props: Object.keys(props).length > 0 ? props : undefined, comment };
  });
}

function resourceDecls(read: ReadFile, registry: Registry): Decl[] {
  const out: Decl[] = [];
  if (registry.implicitDefault) out.push({ kind: "network", name: "default", ident: registry.ident("network", "default") });
  for (const [section, kind] of SECTIONS) {
    for (const [name, value] of Object.entries(isObj(read.file[section]) ? (read.file[section] as Obj) : {})) {
      const props = kind === "network" ? networkProps(value) : kind === "volume" ? volumeProps(value) : fileResourceProps(value, kind, name, read.source);
      out.push({ kind, name, ident: registry.ident(kind, name), props });
    }
  }
  return out;
}

/**
 * Services so that each comes after the services it depends on (file order otherwise). A
 * cycle cannot be written as declarations that only point up: it is compose's own error.
 */
function ordered(services: readonly ConstructDecl[], source: ComposeSource): ConstructDecl[] {
  const byIdent = new Map(services.map((s) => [s.ident, s]));
  const out: ConstructDecl[] = [];
  const done = new Set<string>();
  const visiting: ConstructDecl[] = [];
  const visit = (s: ConstructDecl) => {
    if (done.has(s.ident)) return;
    const at = visiting.indexOf(s);
    if (at >= 0) {
      const first = visiting[at];
      const message =
        at === visiting.length - 1
          ? `A service can not depend on itself: ${s.name}`
          : `Circular dependency between ${visiting
              .slice(at)
              .map((d) => d.name)
              .reverse()
              .join(" and ")}`;
      throw source.error(message, ["services", first.name, "depends_on"]);
    }
    visiting.push(s);
    for (const ref of refsOf(s.props as Expr)) {
      const dep = byIdent.get(ref);
      if (dep) visit(dep);
    }
    visiting.pop();
    done.add(s.ident);
    out.push(s);
  };
  services.forEach(visit);
  return out;
}

/** `--project`, else `name:`, else the `# project:` comment `dsl synth` writes, else the folder's name (as compose). */
function projectName(raw: Obj, text: string, dir: string, given: string | undefined): string {
  if (given) return given;
  if (typeof raw.name === "string" && raw.name !== "") return raw.name;
  const comment = /^# project: (.+)$/m.exec(text.split("\n", 3).join("\n"))?.[1];
  return comment?.trim() || projectNameFromDir(dir);
}

/** The constructs of a compose file, as plain data (no code yet). */
export function composeToModel(text: string, file: string, options: ModelOptions = {}): StackModel {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  const compose = read(text, abs, cwd, options.env);
  const registry = new Registry(compose.source, compose);
  const services = serviceDecls(compose, registry);
  const resources = resourceDecls(compose, registry);
  const used = new Set<string>();
  for (const s of services) refsOf(s.props as Expr, used);
  const mark = (d: Decl): ConstructDecl => ({ ...d, referenced: used.has(d.ident) });
  return {
    project: projectName(compose.raw, text, path.dirname(abs), options.project),
    constructs: [...resources.map(mark), ...ordered(services.map(mark), compose.source)],
    origins: compose.origins,
  };
}
