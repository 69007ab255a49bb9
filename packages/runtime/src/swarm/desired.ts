/**
 * The stack as a Swarm will run it: services (Swarm-stripped, env merged, paths absolute),
 * overlay networks, and secrets and configs with their content read and their versioned names.
 * The one impure step before planning (it reads secret and config files); contents never leave
 * this object except into the engine's create call.
 */
import * as fs from "node:fs";
import { formatLocation, type Graph, type ServiceSpec, type SourceLocation } from "@berth/dsl";
import type { DesiredState } from "../desired/resolve";
import { LoadError } from "../errors";
import type { SwarmServiceSpec } from "../engine/types";
import { swarmDiagnostics, type SwarmDiagnostic } from "./diagnostics";
import { hash8 as contentHash8 } from "../internal/hash";
import { scopedName as scoped, versionedName as versioned } from "../internal/names";
import { StackLabels } from "../labels";
import { serviceSpecBody, type SpecContext } from "./spec";
import { swarmServiceSpec } from "./synth";
import { viewOf, type ServiceView } from "./view";

export interface SwarmDesiredService {
  readonly name: string;
  /** `<stack>_<service>`. */
  readonly engineName: string;
  readonly location: SourceLocation;
  /** The service as Swarm runs it (ignored options removed, env merged, paths absolute). */
  readonly spec: ServiceSpec;
  /** The image tasks run: the stack's, or for built services the content tag `dsl apply` made. */
  readonly image: string;
  /** Build with an absolute context, when the service is built. */
  readonly build?: DesiredState["services"][string]["build"];
  readonly replicas: number;
  readonly global: boolean;
  /** Paths whose values are never shown (`environment.DB_PASSWORD`). */
  readonly sensitive: readonly string[];
}

export interface SwarmDesiredNetwork {
  readonly name: string;
  readonly engineName: string;
  readonly external: boolean;
  readonly location?: SourceLocation;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly driverOpts?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ipam?: Graph["networks"][string]["ipam"];
}

export interface SwarmDesiredFile {
  readonly kind: "secret" | "config";
  readonly name: string;
  /** `<stack>_<name>_<hash8>`, or the external name. */
  readonly engineName: string;
  readonly external: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  /** The content (never printed); absent for external ones. */
  readonly data?: Buffer;
}

export interface SwarmDesired {
  readonly stack: string;
  /** The stack file (absolute), when known. */
  readonly file?: string;
  readonly services: Readonly<Record<string, SwarmDesiredService>>;
  readonly networks: Readonly<Record<string, SwarmDesiredNetwork>>;
  readonly volumes: SpecContext["volumes"];
  readonly secrets: Readonly<Record<string, SwarmDesiredFile>>;
  readonly configs: Readonly<Record<string, SwarmDesiredFile>>;
  readonly diagnostics: readonly SwarmDiagnostic[];
}

export interface SwarmResolveOptions {
  /** Image per built service (the content tag); default: the stack's image name. */
  readonly images?: Readonly<Record<string, string>>;
  readonly readFile?: (file: string) => Buffer;
}

function files(graph: Graph, desired: DesiredState, kind: "secret" | "config", read: (f: string) => Buffer): Record<string, SwarmDesiredFile> {
  const out: Record<string, SwarmDesiredFile> = {};
  const specs = kind === "secret" ? graph.secrets : graph.configs;
  const resolved = kind === "secret" ? desired.secrets : desired.configs;
  for (const name of Object.keys(specs).sort()) {
    const spec = specs[name];
    const r = resolved[name];
    if (spec.external) {
      out[name] = { kind, name, engineName: spec.externalName ?? name, external: true };
      continue;
    }
    let data: Buffer;
    if (r?.file) {
      try {
        data = read(r.file);
      } catch (err) {
        throw new LoadError(`${formatLocation(spec.location)}: ${kind} "${name}": cannot read ${r.file}: ${(err as Error).message}`, { cause: err });
      }
    } else if (r?.content !== undefined) data = Buffer.from(r.content, "utf8");
    else
      throw new LoadError(
        `${formatLocation(spec.location)}: ${kind} "${name}": ${spec.environment ? `environment variable ${spec.environment} is not set` : "has neither file nor content"}`,
      );
    out[name] = { kind, name, engineName: versioned(graph.project, name, contentHash8(data)), external: false, labels: spec.labels, data };
  }
  return out;
}

/** The Swarm view of a resolved stack. */
export function resolveSwarm(graph: Graph, desired: DesiredState, opts: SwarmResolveOptions = {}): SwarmDesired {
  const read = opts.readFile ?? ((f: string) => fs.readFileSync(f));
  const services: Record<string, SwarmDesiredService> = {};
  for (const [name, d] of Object.entries(desired.services)) {
    if (d.replicas === 0 && (graph.services[name].profiles?.length ?? 0) > 0) continue;
    const spec = swarmServiceSpec(graph, d.resolved);
    services[name] = {
      name,
      engineName: scoped(graph.project, name),
      location: d.location,
      spec,
      image: opts.images?.[name] ?? d.image,
      ...(d.build ? { build: d.build } : {}),
      replicas: d.replicas,
      global: spec.deploy?.mode === "global",
      sensitive: d.sensitive,
    };
  }
  const networks: Record<string, SwarmDesiredNetwork> = {};
  for (const [name, n] of Object.entries(desired.networks)) {
    const g = graph.networks[name];
    networks[name] = {
      name,
      engineName: n.engineName,
      external: n.external,
      location: n.location,
      internal: n.internal,
      attachable: n.attachable,
      driverOpts: n.driverOpts,
      labels: n.labels,
      ipam: g?.ipam,
    };
  }
  const volumes: Record<string, SpecContext["volumes"][string]> = {};
  for (const [name, v] of Object.entries(desired.volumes))
    volumes[name] = { engineName: v.engineName, external: v.external, driver: v.driver, driverOpts: v.driverOpts };
  return {
    stack: graph.project,
    ...(desired.file ? { file: desired.file } : {}),
    services,
    networks,
    volumes,
    secrets: files(graph, desired, "secret", read),
    configs: files(graph, desired, "config", read),
    diagnostics: swarmDiagnostics(graph),
  };
}

function context(d: SwarmDesired, svc: SwarmDesiredService, ids?: Readonly<Record<string, string>>): SpecContext {
  const names = (m: Readonly<Record<string, SwarmDesiredFile>>) => Object.fromEntries(Object.values(m).map((f) => [f.name, f.engineName]));
  return {
    stack: d.stack,
    image: svc.image,
    networks: Object.fromEntries(Object.values(d.networks).map((n) => [n.name, n.engineName])),
    volumes: d.volumes,
    secrets: names(d.secrets),
    configs: names(d.configs),
    ids,
    replicas: svc.replicas,
  };
}

/** The body to create or update the service with; `ids` resolve secret and config references. */
export function serviceBody(d: SwarmDesired, svc: SwarmDesiredService, ids?: Readonly<Record<string, string>>): SwarmServiceSpec {
  const ctx = context(d, svc, ids);
  const fields = Object.keys(viewOf(serviceSpecBody(svc.spec, ctx), (n) => n)).sort();
  return serviceSpecBody(svc.spec, ctx, fields);
}

/** What the plan compares: the view of the body Berth would send. */
export function desiredView(d: SwarmDesired, svc: SwarmDesiredService): ServiceView {
  return viewOf(serviceSpecBody(svc.spec, context(d, svc)), (n) => n);
}

/** Labels every object of the stack carries. */
export function stackLabels(stack: string, extra?: Readonly<Record<string, string>>): Record<string, string> {
  return { ...(extra ?? {}), [StackLabels.namespace]: stack };
}
