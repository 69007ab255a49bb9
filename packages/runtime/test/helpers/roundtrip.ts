/**
 * The import contract as a reusable test helper: for a compose file F,
 * `synth(load(import(F)))` means what F means to docker-compose. Both files go through
 * Debian's docker-compose 1.29 (`config`: its own reading, defaults and validation) and the
 * oracle's normalization, in one temporary project folder holding stand-ins for what F
 * refers to on disk (build contexts, env files, secret and config files).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { importCompose, load, sensitiveVariables, synth, type ImportOptions } from "@berth/runtime";
import { composeConfig, normalizeReadback } from "./compose-oracle";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export interface RoundTripOptions {
  /** Variables for `${VAR}` (written to the project's `.env` too, so compose sees the same). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra files to create in the project folder (path → content), e.g. a `.env`. */
  readonly files?: Readonly<Record<string, string>>;
  readonly project?: string;
}

export interface RoundTrip {
  /** The temporary project folder (removed by {@link cleanUp}). */
  readonly dir: string;
  /** The generated stack.ts. */
  readonly code: string;
  /** The synthesized compose file. */
  readonly synthesized: string;
  /** F as docker-compose 1.29 reads it, normalized. */
  readonly original: Obj;
  /** synth(load(import(F))) as docker-compose 1.29 reads it, normalized. */
  readonly roundTripped: Obj;
}

const isUrl = (p: string) => /^(?:[a-z]+:\/\/|git@|github\.com\/)/i.test(p);
/** Stand-in paths only for values without variables (those the test sets itself). */
const plain = (p: unknown): p is string => typeof p === "string" && !p.includes("$") && !isUrl(p);

function touch(file: string, content = ""): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, content);
}

/** Creates what compose insists on finding: build contexts (with a Dockerfile), env files, secret and config files. */
export function createStandIns(composeText: string, dir: string): void {
  const file = parse(composeText, { version: "1.1" }) as unknown;
  if (!isObj(file)) return;
  for (const svc of Object.values(isObj(file.services) ? file.services : {})) {
    if (!isObj(svc)) continue;
    const context = typeof svc.build === "string" ? svc.build : isObj(svc.build) ? (svc.build.context ?? ".") : undefined;
    if (plain(context)) touch(path.join(dir, context, "Dockerfile"), "FROM scratch\n");
    const envFiles = svc.env_file === undefined ? [] : Array.isArray(svc.env_file) ? svc.env_file : [svc.env_file];
    for (const f of envFiles) {
      const p = isObj(f) ? f.path : f;
      if (plain(p)) touch(path.resolve(dir, p));
    }
  }
  for (const section of ["secrets", "configs"]) {
    for (const entry of Object.values(isObj(file[section]) ? (file[section] as Obj) : {})) {
      if (isObj(entry) && plain(entry.file)) touch(path.resolve(dir, entry.file), "stand-in\n");
    }
  }
}

/**
 * The normalizations beyond the oracle's, each a difference of spelling, not of meaning
 * (listed in the README):
 * - environment values are strings in the container, and the DSL writes them so
 *   (`PORT: "8000"`), where compose 1.29 prints a number as written;
 * - a healthcheck `test` string is `["CMD-SHELL", string]` (compose's own definition), and
 *   the DSL always writes the list;
 * - a service joining compose's implicit `default` network makes the stack declare it
 *   (`new Network("default")`), which synth writes as `networks: { default: {} }`: the same network.
 */
export function importNormalized(file: Obj): Obj {
  if (isObj(file.networks) && isObj(file.networks.default) && Object.keys(file.networks.default).length === 0) {
    const { default: _implicit, ...networks } = file.networks;
    file = Object.keys(networks).length > 0 ? { ...file, networks } : Object.fromEntries(Object.entries(file).filter(([k]) => k !== "networks"));
  }
  if (!isObj(file.services)) return file;
  const services: Obj = {};
  for (const [name, svc] of Object.entries(file.services)) {
    const out: Obj = isObj(svc) ? { ...svc } : {};
    if (isObj(out.environment)) {
      out.environment = Object.fromEntries(Object.entries(out.environment).map(([k, v]) => [k, v === null ? null : String(v)]));
    }
    if (isObj(out.healthcheck) && typeof out.healthcheck.test === "string") {
      out.healthcheck = { ...out.healthcheck, test: ["CMD-SHELL", out.healthcheck.test] };
    }
    services[name] = isObj(svc) ? out : svc;
  }
  return { ...file, services };
}

/** Runs the round trip of `composeFile` in a fresh temporary folder. */
export async function roundTrip(composeFile: string, options: RoundTripOptions = {}): Promise<RoundTrip> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "berth-roundtrip-")));
  try {
    return await roundTripIn(dir, composeFile, options);
  } catch (err) {
    cleanUp({ dir }); // on success the caller cleans up, after looking at the folder if it wants to
    throw err;
  }
}

async function roundTripIn(dir: string, composeFile: string, options: RoundTripOptions): Promise<RoundTrip> {
  const text = fs.readFileSync(composeFile, "utf8");
  const target = path.join(dir, "compose.yaml");
  fs.writeFileSync(target, text);
  for (const [name, content] of Object.entries(options.files ?? {})) touch(path.join(dir, name), content);
  const env = options.env ?? {};
  if (Object.keys(env).length > 0 && !options.files?.[".env"]) {
    fs.writeFileSync(
      path.join(dir, ".env"),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
  }
  createStandIns(text, dir);
  const importOptions: ImportOptions = { cwd: dir, env, project: options.project };
  const { code } = importCompose(target, importOptions);
  fs.writeFileSync(path.join(dir, "stack.ts"), code);
  const { graph } = await load(path.join(dir, "stack.ts"), { cwd: dir, cache: false, env });
  const synthesized = synth(graph);
  const read = (yamlText: string, vars: Readonly<Record<string, string>>) =>
    importNormalized(normalizeReadback(composeConfig(yamlText, { project: graph.project, cwd: dir, env: vars }), dir));
  // Synth writes sensitive values as ${VAR:?…}: a deployer sets the variables (those in .env are set already).
  return { dir, code, synthesized, original: read(text, env), roundTripped: read(synthesized, { ...sensitiveVariables(graph), ...env }) };
}

export function cleanUp(trip: { readonly dir: string }): void {
  fs.rmSync(trip.dir, { recursive: true, force: true });
}
