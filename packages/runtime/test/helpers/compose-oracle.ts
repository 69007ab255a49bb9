/**
 * Test oracles that no one here wrote: Debian's docker-compose 1.29 (`config` parses the file
 * as YAML 1.1, validates it against its bundled schema, and prints what it understood) and
 * the official compose-spec JSON schema.
 *
 * `docker-compose config` needs no Docker engine: it only loads, validates and prints.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import draft07 from "ajv/dist/refs/json-schema-draft-07.json";
import { isMap, parseDocument } from "yaml";
import type { Graph } from "@berth/dsl";

/**
 * `shared/` beside the repo (`/work/main` → `/work/shared`; CI clones the same layout), or
 * `$BERTH_SHARED`. From a test file that is `path.resolve(__dirname, "../../../../shared")`;
 * this helper sits one folder deeper.
 */
export function sharedDir(): string {
  return process.env.BERTH_SHARED ?? path.resolve(__dirname, "../../../../../shared");
}

const COMPOSE_BIN = process.env.BERTH_DOCKER_COMPOSE ?? "/usr/bin/docker-compose";

/** The oracle must be there: a missing docker-compose fails the test that needs it, loudly (it never skips). */
export function requireCompose(): string {
  if (!fs.existsSync(COMPOSE_BIN)) {
    throw new Error(
      `docker-compose 1.29, this test's oracle, is missing at ${COMPOSE_BIN}: install it (apt-get install -y docker-compose; npm test does), or point BERTH_DOCKER_COMPOSE at it`,
    );
  }
  return COMPOSE_BIN;
}

export interface ComposeConfigOptions {
  readonly project: string;
  /** The project directory: relative paths resolve against it; it is also `$HOME` (so `~` is predictable). */
  readonly cwd: string;
  /** Extra environment for compose (the rest is only PATH and HOME, so `null` env values stay unset). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Service keys newer than docker-compose 1.29, which rejects them ("Unsupported config option"):
 * left out, by name, of what 1.29 reads and of our side of each comparison with what it printed.
 * The official schema (`specErrors`) still checks them wherever synth output is checked.
 */
export const NEWER_THAN_1_29: readonly string[] = ["develop"];

/** The file without those keys (the rest of its text as written: YAML 1.1 scalars must reach 1.29 unchanged). */
function without129Unknowns(yamlText: string): string {
  if (!NEWER_THAN_1_29.some((k) => yamlText.includes(`${k}:`))) return yamlText;
  const doc = parseDocument(yamlText);
  const services = doc.get("services");
  if (!isMap(services)) return yamlText;
  let changed = false;
  for (const item of services.items) {
    if (!isMap(item.value)) continue;
    for (const key of NEWER_THAN_1_29) if (item.value.delete(key)) changed = true;
  }
  return changed ? doc.toString() : yamlText;
}

/**
 * Runs `docker-compose -p <project> -f - config` with the YAML on stdin and returns what it
 * printed, parsed by PyYAML itself (compose's own reader and writer: it prints `1e3` plain
 * because PyYAML's YAML 1.1 float needs a dot, which a YAML 1.1 reader in JS would read as a
 * number). Throws with compose's message on rejection.
 */
export function composeConfig(yamlText: string, opts: ComposeConfigOptions): Record<string, unknown> {
  const res = spawnSync(requireCompose(), ["-p", opts.project, "--project-directory", opts.cwd, "-f", "-", "config"], {
    input: without129Unknowns(yamlText),
    cwd: opts.cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: opts.cwd, ...opts.env },
  });
  if (res.status !== 0) {
    throw new Error(`docker-compose config rejected the file (exit ${res.status}):\n${res.stderr}\n--- input ---\n${yamlText}`);
  }
  return pyYamlToJson(res.stdout);
}

const PY_YAML_TO_JSON = "import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout, default=str)";

/** Parse YAML with PyYAML (`safe_load`), the reader docker-compose 1.29 uses. */
export function pyYamlToJson(text: string): Record<string, unknown> {
  const res = spawnSync("python3", ["-c", PY_YAML_TO_JSON], { input: text, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`PyYAML could not read compose's output: ${res.stderr}`);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

/**
 * Creates what docker-compose 1.29 insists on finding on disk: build contexts (it checks that
 * they exist) and env files (it reads them; empty files add nothing to `environment`).
 */
export function scaffoldProjectDir(graph: Graph, cwd: string): void {
  for (const svc of Object.values(graph.services)) {
    const ctx = svc.build?.context;
    if (ctx !== undefined && !isUrl(ctx)) fs.mkdirSync(path.resolve(cwd, ctx), { recursive: true });
    for (const file of svc.envFiles ?? []) {
      const abs = path.resolve(cwd, file);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, "");
    }
  }
}

function isUrl(context: string): boolean {
  return /^(?:[a-z]+:\/\/|git@|github\.com\/)/i.test(context);
}

// ---------------------------------------------------------------------------------------
// Normalization: compose's reading of a file and our model, brought to one canonical form.
// Each step names the compose-ism it undoes.
// ---------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Map every string (values; keys too when `keys`) through `f`. */
function mapStrings(value: unknown, f: (s: string) => string, keys: boolean): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f, keys));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[keys ? f(k) : k] = mapStrings(v, f, keys);
    return out;
  }
  return value;
}
const unescapeDollars = (s: string): string => s.replace(/\$\$/g, "$");

/** Compose duration (`1m30s`, `500ms`) → milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

/** Compose byte size (`512m`, `1000`, `1k`) → bytes. */
export function bytes(text: string | number): number {
  if (typeof text === "number") return text;
  const m = /^(\d+)([bkmg]?)$/i.exec(text);
  if (!m) throw new Error(`not a byte size: ${text}`);
  return Number(m[1]) * { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "" | "b"];
}

/**
 * Short port → long form. 1.29 prints short ports with a host part as it read them (but
 * un-bracketing IPv6: `[::1]:80:80` → `::1:80:80`) and expands `80/tcp` to `{protocol, target}`.
 */
export function canonicalPort(p: unknown): Obj {
  if (typeof p === "number") return { target: p, protocol: "tcp" };
  if (isObj(p)) return { protocol: "tcp", ...p };
  const m = /^(?:(?:\[(.+)\]|(.+)):(\d*):|(\d+):)?(\d+)(?:\/(\w+))?$/.exec(String(p));
  if (!m) throw new Error(`unparsed port ${String(p)}`);
  const hostIp = m[1] ?? m[2];
  const published = m[3] || m[4];
  const out: Obj = { target: Number(m[5]), protocol: m[6] ?? "tcp" };
  if (hostIp) out.host_ip = hostIp;
  if (published) out.published = Number(published);
  return out;
}

/** Relative host paths → absolute against the project dir; `~` → `$HOME` (1.29 resolves both). */
function hostPath(p: string, cwd: string): string {
  if (p === "~" || p.startsWith("~/")) return path.join(cwd, p.slice(1));
  return path.resolve(cwd, p);
}

/**
 * Short volume → long form; `read_only` defaults to false (1.29 appends `:rw` to short
 * volumes); bind sources resolved to absolute paths.
 */
export function canonicalMount(v: unknown, cwd: string): Obj {
  let long: Obj;
  if (typeof v === "string") {
    const [source, target, mode] = v.split(":");
    const type = /^(?:\/|\.|~)/.test(source) ? "bind" : "volume";
    long = { type, source, target, read_only: mode === "ro" };
  } else {
    long = { read_only: false, ...(v as Obj) };
  }
  if (long.type === "bind") long.source = hostPath(String(long.source), cwd);
  return long;
}

function canonicalResources(r: unknown): unknown {
  if (!isObj(r)) return r;
  const out: Obj = { ...r };
  // 1.29 reads `cpus: "0.5"` as the number 0.5.
  if (out.cpus !== undefined) out.cpus = Number(out.cpus);
  if (out.memory !== undefined) out.memory = bytes(out.memory as string);
  return out;
}

function canonicalService(svc: Obj, cwd: string): Obj {
  const out: Obj = { ...svc };
  if (Array.isArray(out.ports)) out.ports = out.ports.map(canonicalPort);
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((v) => canonicalMount(v, cwd));
  if (isObj(out.build) && !isUrl(String(out.build.context))) {
    out.build = { ...out.build, context: hostPath(String(out.build.context), cwd) };
  }
  // 1.29 reads env files into `environment` and drops the key (our scaffolded files are empty).
  delete out.env_file;
  for (const key of NEWER_THAN_1_29) delete out[key];
  for (const key of ["secrets", "configs"]) {
    // A bare name is the long form `{source}`.
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map((g) => (typeof g === "string" ? { source: g } : g));
  }
  // 1.29 prints a joined network without options as `null`.
  if (isObj(out.networks)) out.networks = Object.fromEntries(Object.entries(out.networks).map(([k, v]) => [k, v ?? {}]));
  if (isObj(out.healthcheck)) out.healthcheck = canonicalHealthcheck(out.healthcheck);
  const res = isObj(out.deploy) ? out.deploy.resources : undefined;
  if (isObj(out.deploy) && isObj(res)) {
    out.deploy = { ...out.deploy, resources: mapValues(res, canonicalResources) };
  }
  return out;
}

/** 1.29 rewrites healthcheck durations in seconds (`1m30s` → `90s`): compare milliseconds. */
function canonicalHealthcheck(hc: Obj): Obj {
  const out: Obj = { ...hc };
  for (const key of ["interval", "timeout", "start_period", "start_interval"]) {
    if (typeof out[key] === "string") out[key] = durationMs(out[key] as string);
  }
  return out;
}

function mapValues(obj: Obj, f: (v: unknown) => unknown): Obj {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, f(v)]));
}

function canonicalFile(file: Obj, cwd: string): Obj {
  const out: Obj = {};
  if (isObj(file.services)) out.services = mapValues(file.services, (s) => canonicalService(s as Obj, cwd));
  // `vol:` / `net:` with no options reads back as `{}` or `null`.
  for (const key of ["networks", "volumes"]) if (isObj(file[key])) out[key] = mapValues(file[key] as Obj, (v) => v ?? {});
  for (const key of ["secrets", "configs"]) {
    if (!isObj(file[key])) continue;
    // 1.29 resolves `file:` against the project dir.
    out[key] = mapValues(file[key] as Obj, (v) => (isObj(v) && typeof v.file === "string" ? { ...v, file: hostPath(v.file, cwd) } : v));
  }
  return out;
}

/**
 * docker-compose's printout → canonical. It adds `version: '3.9'` (dropped), and re-escapes
 * every `$` as `$$` in keys and values alike (undone everywhere).
 */
export function normalizeReadback(printed: Obj, cwd: string): Obj {
  return canonicalFile(mapStrings(printed, unescapeDollars, true) as Obj, cwd);
}

/**
 * Our model → canonical. Its values carry compose's `$$` escape (undone); its keys are
 * literal (compose does not interpolate keys).
 */
export function normalizeModel(model: unknown, cwd: string): Obj {
  return canonicalFile(mapStrings(JSON.parse(JSON.stringify(model)), unescapeDollars, false) as Obj, cwd);
}

/**
 * Asserts that what docker-compose printed (`printed`, from {@link composeConfig}) is what
 * Berth wrote for `graph` (`model`, its `toComposeModel`), value for value; and, for the
 * free-text fields, straight against the graph. Returns the normalized readback.
 */
export function expectReadBackAsWritten(graph: Graph, model: unknown, printed: Obj, cwd: string): Obj {
  const seen = normalizeReadback(printed, cwd);
  expect(seen).toEqual(normalizeModel(model, cwd));
  for (const [name, spec] of Object.entries(graph.services)) {
    const s = (seen.services as Record<string, Record<string, unknown>>)[name];
    expect(s.environment).toEqual(spec.environment && Object.keys(spec.environment).length ? spec.environment : undefined);
    expect(s.labels).toEqual(spec.labels && Object.keys(spec.labels).length ? spec.labels : undefined);
    expect(s.command).toEqual(spec.command);
  }
  return seen;
}

// ---------------------------------------------------------------------------------------
// The compose-spec JSON schema.
// ---------------------------------------------------------------------------------------

let validator: ((data: unknown) => string[]) | undefined;

/**
 * Validation errors against `shared/compose-spec/compose-spec.json`; empty when valid. The
 * schema is draft-07 (plain `Ajv`), but names its dialect `https://json-schema.org/draft-07/schema`
 * where Ajv registers `http://…#`: the same meta-schema is registered under that name too.
 */
export function specErrors(model: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(fs.readFileSync(path.join(sharedDir(), "compose-spec/compose-spec.json"), "utf8"));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    if (schema.$schema !== undefined && !ajv.getSchema(schema.$schema)) {
      ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
    }
    const validate = ajv.compile(schema);
    validator = (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`));
  }
  return validator(model);
}
