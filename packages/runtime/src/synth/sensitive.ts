/**
 * Sensitive values in a synthesized file: references, not values.
 *
 * - `"reference"` (the default): a sensitive environment value is written `KEY: ${VAR:?set VAR}`
 *   (compose interpolation: `docker compose up` reads VAR from the environment or the project's
 *   `.env`), VAR being the variable the value was read from with `env()`, else the key itself;
 *   a sensitive config content becomes `environment: VAR` (the compose spec's config source).
 * - `{ envFile }`: the values go into env files instead ({@link sensitiveFiles}), named under
 *   each service's `env_file:` and dropped from `environment:`; a sensitive config content goes
 *   into a file of its own, named under the config's `file:`.
 * - `"inline"`: the values themselves, as the graph holds them (the file then holds secrets).
 */
import { formatLocation, type ConfigSpec, type Graph, type ServiceSpec } from "@berth/dsl";
import { SynthError } from "../errors";
import type { ComposeConfig, ComposeService } from "./types";

/** How a synthesized file carries the stack's sensitive values. */
export type SensitiveMode = "reference" | "inline" | { readonly envFile: string };

/** Options of `synth`, `toComposeModel` and the Swarm synthesizer. */
export interface SynthOptions {
  /** How sensitive values are written (see {@link SensitiveMode}). Default: `"reference"`. */
  readonly sensitive?: SensitiveMode;
}

/** A file that holds sensitive values, to be written beside the compose file (mode 0600), never committed. */
export interface SensitiveFile {
  /** The path as the compose file names it (relative to the compose file's folder). */
  readonly path: string;
  readonly content: string;
  /** What it holds, for messages: `environment of service "db"`. */
  readonly holds: string;
}

/** Which syntax the env files are read with: compose's (dotenv quoting) or the docker CLI's (`docker stack deploy`: `KEY=VALUE` as is). */
export type EnvFileSyntax = "compose" | "docker";

const ENV_PREFIX = "environment.";

/** The sensitive environment keys of a service, sorted. */
export function sensitiveKeys(spec: ServiceSpec): string[] {
  return (spec.sensitive ?? [])
    .filter((p) => p.startsWith(ENV_PREFIX) && spec.environment?.[p.slice(ENV_PREFIX.length)] != null)
    .map((p) => p.slice(ENV_PREFIX.length))
    .sort();
}

/** A name compose can interpolate (`[A-Za-z_][A-Za-z0-9_]*`). */
function variableName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(safe) ? `_${safe}` : safe;
}

/** The variable a service's sensitive key is read from: the one `env()` read, else the key. */
export function variableOf(spec: ServiceSpec, key: string): string {
  return variableName(spec.variables?.[ENV_PREFIX + key] ?? key);
}

/** The variable a sensitive config content is read from: the one `env()` read, else the config's name in capitals. */
export function configVariable(spec: ConfigSpec): string {
  return variableName(spec.variable ?? spec.name.toUpperCase());
}

/** `${VAR:?set VAR}`: compose stops with "set VAR" when it is unset or empty. */
export function reference(variable: string): string {
  return `\${${variable}:?set ${variable}}`;
}

interface Use {
  readonly value: string;
  readonly where: string;
}

/**
 * Every variable the references of `graph` read, with the value to set it to: what a deployer
 * puts in the environment or the `.env` (tests set them to read a file back). Two different
 * values for one variable cannot be said with references: a user error naming both.
 */
export function sensitiveVariables(graph: Graph): Record<string, string> {
  const uses = new Map<string, Use>();
  const take = (variable: string, use: Use) => {
    const seen = uses.get(variable);
    if (seen && seen.value !== use.value) {
      throw new SynthError(
        `${use.where} and ${seen.where} are both written as \${${variable}} but differ; ` +
          `read them from two variables with env("…"), or write the sensitive values to an env file`,
      );
    }
    uses.set(variable, use);
  };
  for (const name of Object.keys(graph.services).sort()) {
    const spec = graph.services[name];
    for (const key of sensitiveKeys(spec)) {
      take(variableOf(spec, key), {
        value: spec.environment?.[key] as string,
        where: `${formatLocation(spec.location)}: service "${name}": environment.${key}`,
      });
    }
  }
  for (const name of Object.keys(graph.configs).sort()) {
    const spec = graph.configs[name];
    if (spec.sensitive && spec.content !== undefined)
      take(configVariable(spec), { value: spec.content, where: `${formatLocation(spec.location)}: config "${name}"` });
  }
  return Object.fromEntries([...uses.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, u]) => [k, u.value]));
}

/** Services that share one env file: those whose sensitive values are exactly the same. */
function envFileGroups(graph: Graph): { services: string[]; values: Record<string, string> }[] {
  const groups = new Map<string, { services: string[]; values: Record<string, string> }>();
  for (const name of Object.keys(graph.services).sort()) {
    const spec = graph.services[name];
    const keys = sensitiveKeys(spec);
    if (!keys.length) continue;
    const values = Object.fromEntries(keys.map((k) => [k, spec.environment?.[k] as string]));
    const id = JSON.stringify(values);
    const group = groups.get(id) ?? { services: [], values };
    group.services.push(name);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/**
 * The env file each service with sensitive values names: `envFile` when they all have the
 * same values (one file says it all), else one file per service, `<envFile>.<service>`, so
 * that no service receives another's secrets.
 */
export function envFileOf(graph: Graph, envFile: string): Map<string, string> {
  const groups = envFileGroups(graph);
  const out = new Map<string, string>();
  for (const g of groups) for (const s of g.services) out.set(s, groups.length === 1 ? envFile : `${envFile}.${s}`);
  return out;
}

/** Where a sensitive config content goes in env-file mode: `<envFile>.config.<name>`. */
export function configFileOf(envFile: string, config: string): string {
  return `${envFile}.config.${config}`;
}

/** One `KEY=value` line that the given reader reads back as exactly `value`. */
function envLine(key: string, value: string, syntax: EnvFileSyntax, holds: string): string {
  if (syntax === "docker") {
    if (/[\r\n]/.test(value)) throw new SynthError(`${holds}: ${key} spans several lines, which a docker env file cannot hold; use references instead`);
    return `${key}=${value}`;
  }
  // Single quotes are literal for both dotenv readers; the rest needs double quotes and escapes.
  if (!/['\\\r\n]/.test(value)) return `${key}='${value}'`;
  return `${key}="${value
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")}"`;
}

function header(project: string, holds: string): string {
  return (
    `# Sensitive values of stack "${project.replace(/[\r\n]+/g, " ")}" (${holds}), written by dsl synth.\n` +
    `# Do not commit this file: add it to .gitignore, and keep it readable by its owner only.\n`
  );
}

/** The files that hold the sensitive values in env-file mode (none in the other modes), in a stable order. */
export function sensitiveFiles(graph: Graph, mode: SensitiveMode | undefined, syntax: EnvFileSyntax): SensitiveFile[] {
  if (mode === undefined || typeof mode === "string") return [];
  const out: SensitiveFile[] = [];
  const files = envFileOf(graph, mode.envFile);
  for (const g of envFileGroups(graph)) {
    const holds = `environment of service${g.services.length === 1 ? "" : "s"} ${g.services.map((s) => `"${s}"`).join(", ")}`;
    const lines = Object.entries(g.values).map(([k, v]) => envLine(k, v, syntax, holds));
    out.push({ path: files.get(g.services[0]) as string, content: `${header(graph.project, holds)}${lines.join("\n")}\n`, holds });
  }
  for (const name of Object.keys(graph.configs).sort()) {
    const spec = graph.configs[name];
    if (spec.sensitive && spec.content !== undefined && syntax === "compose") {
      out.push({ path: configFileOf(mode.envFile, name), content: spec.content, holds: `content of config "${name}"` });
    }
  }
  return out;
}

/** A service's compose entry with its sensitive environment written as `mode` says (`envFile`: the file this service names). */
export function sensitiveService(out: ComposeService, spec: ServiceSpec, mode: SensitiveMode, envFile: string | undefined): ComposeService {
  const keys = sensitiveKeys(spec);
  if (!keys.length || mode === "inline") return out;
  const environment: Record<string, string | null> = { ...out.environment };
  if (mode === "reference") {
    for (const k of keys) environment[k] = reference(variableOf(spec, k));
    return { ...out, environment };
  }
  for (const k of keys) delete environment[k];
  const entries: [string, unknown][] = [];
  for (const [k, v] of Object.entries(out)) {
    if (k === "environment") {
      if (Object.keys(environment).length) entries.push([k, environment]);
      if (out.env_file === undefined) entries.push(["env_file", [envFile]]);
    } else if (k === "env_file") entries.push([k, [...(v as string[]), envFile]]);
    else entries.push([k, v]);
  }
  return Object.fromEntries(entries) as ComposeService;
}

/** A config's compose entry with a sensitive content written as `mode` says: a variable, a file, or (inline) the content. */
export function sensitiveConfig(out: ComposeConfig, spec: ConfigSpec, mode: SensitiveMode): ComposeConfig {
  if (!spec.sensitive || spec.content === undefined || mode === "inline") return out;
  const { content: _content, labels, ...rest } = out;
  const source = mode === "reference" ? { environment: configVariable(spec) } : { file: configFileOf(mode.envFile, spec.name) };
  return { ...rest, ...source, ...(labels ? { labels } : {}) };
}
