/**
 * Graph → Swarm stack file (`docker stack deploy -c out.yml <stack>`).
 *
 * The compose synthesizer's model, adjusted for Swarm: a `version: "3.8"` key (the stack
 * loader's schema), options Swarm ignores left out (each reported by {@link swarmDiagnostics}
 * with its source line), ports always in the long form, networks `overlay`, secrets and configs
 * under their versioned names (`<stack>_<name>_<hash8>`, the names `dsl apply --target swarm`
 * gives them, so a stack deployed from this file is adopted as is). Pure: file contents arrive
 * through `contentHash`.
 */
import type { Graph, ServiceSpec } from "@berth/dsl";
import { service } from "../synth/service";
import { network } from "../synth/resources";
import type { ComposeNetwork, ComposePortLong, ComposeService } from "../synth/types";
import { compact, escapeDollars, nonEmpty, sortedRecord } from "../synth/util";
import { toYaml } from "../synth/yaml";
import { config, secret } from "../synth/resources";
import { envFileOf, sensitiveService, sensitiveVariables, type SynthOptions } from "../synth/sensitive";
import { IGNORED_SERVICE_KEYS, STACK_FILE_UNSUPPORTED_KEYS, swarmDiagnostics, type SwarmDiagnostic } from "./diagnostics";
import { withExtraHostSettings } from "./host";
import { scopedName as scoped, versionedName as versioned } from "../internal/names";

export interface SwarmSynthOptions extends SynthOptions {
  /**
   * The 8-hex content hash of a secret's or config's file (see `contentHash8`), when it can be
   * read; undefined leaves the name to `docker stack deploy` (`<stack>_<name>`).
   */
  readonly contentHash?: (kind: "secret" | "config", name: string) => string | undefined;
}

export interface SwarmStackFile {
  readonly version: "3.8";
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks?: Readonly<Record<string, ComposeNetwork>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
  readonly secrets?: Readonly<Record<string, unknown>>;
  readonly configs?: Readonly<Record<string, unknown>>;
}

/** The service as Swarm sees it: ignored keys and unsupported details removed. */
export function swarmServiceSpec(graph: Graph, spec: ServiceSpec): ServiceSpec {
  const s = withExtraHostSettings(spec);
  const out: Record<string, unknown> = { ...s };
  for (const [key] of IGNORED_SERVICE_KEYS) delete out[key];
  delete out.build;
  out.image = s.image ?? `${graph.project}-${s.name}`;
  if (s.networks) {
    out.networks = Object.fromEntries(Object.entries(s.networks).map(([k, v]) => [k, compact({ aliases: v.aliases })]));
  }
  if (s.volumes) out.volumes = s.volumes.map((m) => (m.type === "bind" ? { ...m, createHostPath: undefined } : m));
  if (s.healthcheck) out.healthcheck = { ...s.healthcheck, startInterval: undefined };
  // docker stack deploy reads replicas from deploy only.
  if (s.scale !== undefined) {
    out.deploy = { ...(out.deploy as object | undefined), replicas: s.scale };
    delete out.scale;
  }
  if (s.deploy?.resources) {
    const strip = (r: { pids?: number } | undefined) => (r ? { ...r, pids: undefined } : undefined);
    out.deploy = { ...(out.deploy as object), resources: { limits: strip(s.deploy.resources.limits), reservations: strip(s.deploy.resources.reservations) } };
  }
  return JSON.parse(JSON.stringify(out)) as ServiceSpec;
}

function swarmService(graph: Graph, s: ServiceSpec, opts: SwarmSynthOptions, envFile: string | undefined): ComposeService {
  const spec = swarmServiceSpec(graph, s);
  const fileSpec: ServiceSpec = { ...spec, ports: undefined, ...Object.fromEntries(STACK_FILE_UNSUPPORTED_KEYS.map(([key]) => [key, undefined])) };
  const base = sensitiveService(service(fileSpec), spec, opts.sensitive ?? "reference", envFile);
  const ports: ComposePortLong[] | undefined = spec.ports?.length
    ? spec.ports.map((p) => compact({ target: p.target, published: p.published, protocol: p.protocol, mode: p.mode ?? "ingress" }))
    : undefined;
  if (!ports) return base;
  // Ports go where compose writes them: after `env_file`/`environment`, before `volumes`.
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const [k, v] of Object.entries(base)) {
    if (!placed && ["expose", "volumes", "networks", "healthcheck", "labels", "init", "tty", "secrets", "configs", "deploy"].includes(k)) {
      out.ports = ports;
      placed = true;
    }
    out[k] = v;
  }
  if (!placed) out.ports = ports;
  return out as ComposeService;
}

function swarmNetwork(spec: Graph["networks"][string]): ComposeNetwork {
  const n = network(spec);
  return spec.external ? n : { driver: "overlay", ...n };
}

function files(graph: Graph, kind: "secret" | "config", opts: SwarmSynthOptions): Record<string, unknown> | undefined {
  const map = kind === "secret" ? graph.secrets : graph.configs;
  return nonEmpty(
    sortedRecord(map as Readonly<Record<string, Graph["configs"][string]>>, (f, name) => {
      if (f.external) return kind === "secret" ? secret(f) : config(f);
      const hash = opts.contentHash?.(kind, name);
      if (f.file === undefined) return escapeDollars({ external: true, name: hash ? versioned(graph.project, name, hash) : scoped(graph.project, name) });
      return escapeDollars(compact({ name: hash ? versioned(graph.project, name, hash) : undefined, file: f.file, labels: nonEmpty(sortedRecord(f.labels)) }));
    }),
  );
}

/** The stack file as plain data, and every diagnostic (errors included: the caller decides to stop). */
export function toSwarmModel(graph: Graph, opts: SwarmSynthOptions = {}): { model: SwarmStackFile; diagnostics: SwarmDiagnostic[] } {
  const mode = opts.sensitive ?? "reference";
  if (mode === "reference") sensitiveVariables(graph); // one value per variable, or a user error
  const envFiles = typeof mode === "object" ? envFileOf(graph, mode.envFile) : undefined;
  const model = compact({
    version: "3.8" as const,
    services: sortedRecord(graph.services, (s, name) => swarmService(graph, s, opts, envFiles?.get(name))) ?? {},
    networks: nonEmpty(sortedRecord(graph.networks, swarmNetwork)),
    volumes: nonEmpty(
      sortedRecord(graph.volumes, (v) =>
        v.external
          ? { external: true, name: v.externalName ?? v.name }
          : compact({ driver: v.driver, driver_opts: nonEmpty(sortedRecord(v.driverOpts)), labels: nonEmpty(sortedRecord(v.labels)) }),
      ),
    ),
    secrets: files(graph, "secret", opts),
    configs: files(graph, "config", opts),
  });
  return { model, diagnostics: swarmDiagnostics(graph) };
}

function header(graph: Graph): string {
  const name = graph.project.replace(/[\r\n\u0085\u2028\u2029]+/g, " ");
  return `# stack: ${name} (docker stack deploy -c <this file> ${name}; services are named ${scoped(name, "<service>")})\n`;
}

/** The stack file's YAML and the diagnostics. */
export function synthSwarm(graph: Graph, opts: SwarmSynthOptions = {}): { yaml: string; diagnostics: SwarmDiagnostic[] } {
  const { model, diagnostics } = toSwarmModel(graph, opts);
  return { yaml: header(graph) + toYaml(model), diagnostics };
}
