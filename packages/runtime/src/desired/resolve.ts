/**
 * Desired state: the graph resolved against the machine that deploys it. The one impure
 * step before planning (it reads env files and the environment); everything after it is pure.
 *
 * - env files are read and merged under `environment` (compose's precedence);
 * - `null` environment values come from the deployer's environment;
 * - relative bind sources and build contexts become absolute (relative to the stack file);
 * - every service gets its canonical spec, the config hash of that spec, and the image
 *   its containers run.
 */
import { BerthError } from "@berth/dsl";
import * as fs from "node:fs";
import * as path from "node:path";
import type { BuildSpec, ConfigSpec, DependsOnSpec, FileGrantSpec, Graph, MountSpec, PullPolicy, ServiceSpec, SourceLocation } from "@berth/dsl";
import { formatLocation, networkModeService, volumesFromServices } from "@berth/dsl";
import { LoadError } from "../errors";
import { parseEnvFile } from "./envfile";
import { canonicalSpec, type CanonicalSpec, maskValue, specHash } from "./spec";
import { defaultImageName, scopedName } from "../internal/names";
import { sortKeys } from "../internal/sort";

export interface ResolveOptions {
  /** Folder of the stack file: relative paths are relative to it. */
  readonly dir: string;
  /** The deployer's environment. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly readFile?: (file: string) => string;
  /** Profiles to enable; services with profiles run only when one is enabled (compose semantics). */
  readonly profiles?: readonly string[];
  /** The stack file (absolute), recorded on what apply makes (compose's config_files label). */
  readonly file?: string;
}

export interface DesiredService {
  readonly name: string;
  readonly location: SourceLocation;
  /** The image reference containers run: `image`, or `<project>-<service>` for a build without one. */
  readonly image: string;
  /** Build with an absolute context, when the service is built. */
  readonly build?: BuildSpec;
  readonly pullPolicy: PullPolicy;
  /** Containers wanted: `scale` or `deploy.replicas` (default 1); 0 when the service's profiles are not enabled. */
  readonly replicas: number;
  readonly dependsOn: Readonly<Record<string, DependsOnSpec>>;
  /** The spec with paths absolute and env merged; real values (what containers are made from). */
  readonly resolved: ServiceSpec;
  /** What the hash covers, sensitive values replaced by digests: safe to store in a label. */
  readonly spec: CanonicalSpec;
  readonly hash: string;
  readonly sensitive: readonly string[];
}

export interface DesiredNetwork {
  readonly name: string;
  /** Engine name: `<project>_<name>`, or the external name. */
  readonly engineName: string;
  readonly external: boolean;
  readonly driver?: string;
  readonly driverOpts?: Readonly<Record<string, string>>;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly enableIpv6?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ipam?: Graph["networks"][string]["ipam"];
  readonly location?: SourceLocation;
}

export interface DesiredVolume {
  readonly name: string;
  readonly engineName: string;
  readonly external: boolean;
  readonly driver?: string;
  readonly driverOpts?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly location: SourceLocation;
}

/** A secret or config as the engine host sees it: an absolute file, or a value to write into the container. */
export interface DesiredFile {
  readonly name: string;
  readonly file?: string;
  /** Inline content (configs) or the value of an environment variable (secrets/configs). Never printed. */
  readonly content?: string;
  readonly external: boolean;
}

export interface DesiredState {
  readonly project: string;
  readonly dir: string;
  /** The stack file (absolute), when known. */
  readonly file?: string;
  readonly secrets: Readonly<Record<string, DesiredFile>>;
  readonly configs: Readonly<Record<string, DesiredFile>>;
  readonly services: Readonly<Record<string, DesiredService>>;
  readonly networks: Readonly<Record<string, DesiredNetwork>>;
  readonly volumes: Readonly<Record<string, DesiredVolume>>;
}

/** A service name the stack does not declare (in `dsl build`, `dsl run`): the message lists the ones it has. */
export class NoSuchServiceError extends BerthError {
  constructor(desired: DesiredState, name: string) {
    super(`project "${desired.project}" has no service "${name}" (services: ${Object.keys(desired.services).sort().join(", ")})`);
  }
}

/** The stack's service `name`, or a {@link NoSuchServiceError}. */
export function serviceNamed(desired: DesiredState, name: string): DesiredService {
  const svc = desired.services[name];
  if (!svc) throw new NoSuchServiceError(desired, name);
  return svc;
}

/** Compose's name for the network every service joins when it names none. */
export const DEFAULT_NETWORK = "default";

function absolute(dir: string, p: string): string {
  if (p.startsWith("~")) return path.join(process.env.HOME ?? "/root", p.slice(1));
  return path.resolve(dir, p);
}

function resolveEnvironment(svc: ServiceSpec, opts: Required<Pick<ResolveOptions, "dir" | "env" | "readFile">>): Record<string, string> {
  const env: Record<string, string> = {};
  const take = (key: string, value: string | null) => {
    const v = value ?? opts.env[key];
    if (v !== undefined) env[key] = v;
  };
  for (const file of svc.envFiles ?? []) {
    let text: string;
    try {
      text = opts.readFile(absolute(opts.dir, file));
    } catch (err) {
      throw new LoadError(`${formatLocation(svc.location)}: service "${svc.name}": env file "${file}" cannot be read`, { cause: err });
    }
    for (const { key, value } of parseEnvFile(text)) take(key, value);
  }
  for (const [key, value] of Object.entries(svc.environment ?? {})) take(key, value);
  return env;
}

function resolveMount(dir: string, m: MountSpec): MountSpec {
  return m.type === "bind" ? { ...m, source: absolute(dir, m.source) } : m;
}

function profilesEnabled(svc: ServiceSpec, enabled: readonly string[]): boolean {
  return !svc.profiles?.length || svc.profiles.some((p) => enabled.includes(p));
}

/** The secrets and configs of the stack, as {@link resolveFiles} made them. */
type StackFiles = Pick<DesiredState, "secrets" | "configs">;

/** A secret or config granted to a service as content (inline, or from an environment variable), not as a file. */
export interface ContentGrant {
  readonly kind: "secrets" | "configs";
  readonly grant: FileGrantSpec;
  readonly content: string;
}

/** The service's grants whose secret or config has content rather than a file: apply writes them into its containers. */
export function contentGrants(files: StackFiles, spec: ServiceSpec): ContentGrant[] {
  const out: ContentGrant[] = [];
  for (const kind of ["secrets", "configs"] as const) {
    for (const grant of spec[kind] ?? []) {
      const f = files[kind][grant.source];
      if (f && f.file === undefined && f.content !== undefined) out.push({ kind, grant, content: f.content });
    }
  }
  return out;
}

/**
 * Digests of the service's {@link contentGrants}: they are written into its containers when
 * they are created, so a changed value must recreate them. `{ secrets: { db_password: "sha256:…" } }`.
 */
function contentDigests(svc: ServiceSpec, files: StackFiles): Record<string, Record<string, string>> | undefined {
  const out: Record<string, Record<string, string>> = {};
  for (const g of contentGrants(files, svc)) (out[g.kind] ??= {})[g.grant.source] = maskValue(g.content);
  return Object.keys(out).length ? out : undefined;
}

/** `networkMode: "service:x"` and `volumesFrom: [x]` make x a dependency (started first), as compose does, unless it already is one. */
function withImpliedDependencies(svc: ServiceSpec): Readonly<Record<string, DependsOnSpec>> {
  const network = networkModeService(svc);
  const implied = [...(network === undefined ? [] : [network]), ...volumesFromServices(svc)].filter((x) => !svc.dependsOn?.[x]);
  if (!implied.length) return svc.dependsOn ?? {};
  return { ...svc.dependsOn, ...Object.fromEntries(implied.map((x) => [x, { condition: "service_started" as const }])) };
}

function resolveService(graph: Graph, svc: ServiceSpec, opts: Required<Omit<ResolveOptions, "file">>, files: StackFiles): DesiredService {
  const environment = resolveEnvironment(svc, opts);
  const build = svc.build && { ...svc.build, context: /^[a-z]+:\/\//i.test(svc.build.context) ? svc.build.context : absolute(opts.dir, svc.build.context) };
  const image = svc.image ?? defaultImageName(graph.project, svc.name);
  const resolved: ServiceSpec = {
    ...svc,
    image,
    build,
    environment,
    envFiles: undefined,
    volumes: svc.volumes?.map((m) => resolveMount(opts.dir, m)),
    // A network mode replaces the stack's networks (compose joins none).
    networks: svc.networkMode !== undefined ? {} : (svc.networks ?? { [DEFAULT_NETWORK]: {} }),
  };
  const contents = contentDigests(svc, files);
  const spec = contents ? (sortKeys({ ...canonicalSpec(resolved), contents }) as CanonicalSpec) : canonicalSpec(resolved);
  return {
    name: svc.name,
    location: svc.location,
    image,
    build,
    pullPolicy: svc.pullPolicy ?? (svc.build ? "build" : "missing"),
    replicas: profilesEnabled(svc, opts.profiles) ? (svc.scale ?? svc.deploy?.replicas ?? 1) : 0,
    dependsOn: withImpliedDependencies(svc),
    resolved,
    spec,
    hash: specHash(spec),
    sensitive: svc.sensitive ?? [],
  };
}

function resolveNetworks(graph: Graph, services: Record<string, DesiredService>): Record<string, DesiredNetwork> {
  const out: Record<string, DesiredNetwork> = {};
  for (const [name, n] of Object.entries(graph.networks)) {
    const external = n.external === true;
    out[name] = {
      name,
      engineName: external ? (n.externalName ?? name) : scopedName(graph.project, name),
      external,
      driver: n.driver,
      driverOpts: n.driverOpts,
      internal: n.internal,
      attachable: n.attachable,
      enableIpv6: n.enableIpv6,
      labels: n.labels,
      ipam: n.ipam,
      location: n.location,
    };
  }
  const usesDefault = Object.values(services).some((s) => s.replicas > 0 && s.resolved.networks?.[DEFAULT_NETWORK]);
  if (usesDefault && !out[DEFAULT_NETWORK]) {
    out[DEFAULT_NETWORK] = { name: DEFAULT_NETWORK, engineName: scopedName(graph.project, DEFAULT_NETWORK), external: false };
  }
  return out;
}

function resolveFiles(specs: Readonly<Record<string, ConfigSpec>>, opts: Required<Omit<ResolveOptions, "file">>): Record<string, DesiredFile> {
  const out: Record<string, DesiredFile> = {};
  for (const [name, f] of Object.entries(specs)) {
    const content = f.content ?? (f.environment !== undefined ? opts.env[f.environment] : undefined);
    out[name] = { name, file: f.file ? absolute(opts.dir, f.file) : undefined, content, external: f.external === true };
  }
  return out;
}

/** A secret or config taken from an environment variable that is not set, and that a service uses, stops here. */
function requireGrantedValues(graph: Graph, files: StackFiles): void {
  for (const kind of ["secrets", "configs"] as const) {
    for (const [name, spec] of Object.entries(graph[kind])) {
      if (spec.environment === undefined || files[kind][name].content !== undefined) continue;
      const users = Object.values(graph.services).filter((svc) => svc[kind]?.some((g) => g.source === name));
      if (!users.length) continue;
      const what = kind === "secrets" ? "secret" : "config";
      const by = users.map((u) => `"${u.name}"`).join(", ");
      throw new LoadError(
        `${formatLocation(spec.location)}: ${what} "${name}": environment variable ${spec.environment} is not set (service ${by} uses it); set it, or take the ${what} from a file`,
      );
    }
  }
}

export function resolveDesired(graph: Graph, options: ResolveOptions): DesiredState {
  const opts: Required<Omit<ResolveOptions, "file">> = {
    dir: options.dir,
    env: options.env ?? process.env,
    readFile: options.readFile ?? ((f) => fs.readFileSync(f, "utf8")),
    profiles: options.profiles ?? [],
  };
  const files: StackFiles = { secrets: resolveFiles(graph.secrets, opts), configs: resolveFiles(graph.configs, opts) };
  const services: Record<string, DesiredService> = {};
  for (const name of Object.keys(graph.services).sort()) services[name] = resolveService(graph, graph.services[name], opts, files);
  requireGrantedValues(graph, files);
  const volumes: Record<string, DesiredVolume> = {};
  for (const [name, v] of Object.entries(graph.volumes)) {
    const external = v.external === true;
    volumes[name] = {
      name,
      engineName: external ? (v.externalName ?? name) : scopedName(graph.project, name),
      external,
      driver: v.driver,
      driverOpts: v.driverOpts,
      labels: v.labels,
      location: v.location,
    };
  }
  return {
    project: graph.project,
    dir: opts.dir,
    ...(options.file !== undefined ? { file: options.file } : {}),
    services,
    networks: resolveNetworks(graph, services),
    volumes,
    secrets: files.secrets,
    configs: files.configs,
  };
}
