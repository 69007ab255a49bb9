/** ServiceProps → ServiceSpec: every form normalized, references turned into names, problems reported. */
import type { Config, Secret } from "../file-resources";
import type { DependsOnSpec, FileGrantSpec, HealthcheckSpec, ServiceNetworkSpec, ServiceSpec, SourceLocation, VolumesFromSpec } from "../graph";
import type { Network } from "../network";
import { isSensitive } from "../sensitive";
import type {
  ConfigGrant,
  Dependency,
  DependencyCondition,
  DependencyProps,
  EnvironmentValue,
  HealthcheckProps,
  NetworkAttachment,
  NetworkMode,
  SecretGrant,
  ServiceProps,
  VolumesFrom,
  VolumesFromContainer,
  VolumesFromService,
} from "../service-props";
import { BRANDS, hasBrand } from "./brand";
import { duration, normalizeDeploy } from "./deploy";
import { normalizeDevelop } from "./develop";
import { hostSettings } from "./host";
import type { MemberIdentity, SynthContext } from "./member";
import { normalizeMounts } from "./mounts";
import { normalizeExpose, normalizePorts } from "./ports";
import { list, stringRecord } from "./records";

const CONDITIONS: Readonly<Record<DependencyCondition, DependsOnSpec["condition"]>> = {
  started: "service_started",
  healthy: "service_healthy",
  completed: "service_completed_successfully",
};

function environment(
  env: Readonly<Record<string, EnvironmentValue>> | undefined,
  sensitivePaths: string[],
  variables: Record<string, string>,
): Record<string, string | null> | undefined {
  if (!env) return undefined;
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(env)) {
    if (isSensitive(value)) {
      out[key] = String(value.value);
      sensitivePaths.push(`environment.${key}`);
      if (value.variable !== undefined) variables[`environment.${key}`] = value.variable;
    } else {
      out[key] = value === null ? null : String(value);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function healthcheck(props: HealthcheckProps | undefined, ctx: SynthContext): HealthcheckSpec | undefined {
  if (!props) return undefined;
  const test = typeof props.test === "string" ? ["CMD-SHELL", props.test] : [...props.test];
  if (!["CMD", "CMD-SHELL", "NONE"].includes(test[0])) {
    ctx.report(`expected a string (run in a shell) or an array starting with "CMD", "CMD-SHELL" or "NONE"`, "healthcheck.test", test);
  }
  if (props.retries !== undefined && (!Number.isInteger(props.retries) || props.retries < 0)) {
    ctx.report(`expected a non-negative integer`, "healthcheck.retries", props.retries);
  }
  return {
    test,
    interval: duration(props.interval, ctx, "healthcheck.interval"),
    timeout: duration(props.timeout, ctx, "healthcheck.timeout"),
    retries: props.retries,
    startPeriod: duration(props.startPeriod, ctx, "healthcheck.startPeriod"),
    startInterval: duration(props.startInterval, ctx, "healthcheck.startInterval"),
    disable: props.disable,
  };
}

/** True for the `{ service|network|secret|config, …options }` form (a plain object, not the construct itself). */
function isOptionsObject(x: unknown, key: symbol): boolean {
  const constructs = [key, BRANDS.service, BRANDS.network, BRANDS.volume, BRANDS.secret, BRANDS.config, BRANDS.stack];
  return typeof x === "object" && x !== null && !constructs.some((b) => hasBrand(x, b));
}

/** A reference that should be a construct of `brand`; anything else (a name, say) is reported. */
function expectConstruct(x: unknown, key: symbol, kind: string, ctx: SynthContext, path: string): x is MemberIdentity {
  if (hasBrand(x, key)) return true;
  const other = x as Partial<MemberIdentity> | undefined;
  const shown =
    typeof x === "string"
      ? ` (a name: declare or import the ${kind} and pass it)`
      : other && typeof other === "object" && other.kind && other.name
        ? ` (got ${other.kind} "${other.name}")`
        : "";
  ctx.report(`expected a ${kind} object${shown}; references are objects, not names`, path, typeof x === "string" ? x : undefined);
  return false;
}

/** A dependency and where it was declared: `dependsOn[i]` in the props, or `addDependency[i]` for later ones. */
interface PlacedDependency {
  readonly dep: Dependency;
  readonly path: string;
}

function dependencies(deps: readonly PlacedDependency[], ctx: SynthContext): Record<string, DependsOnSpec> | undefined {
  if (deps.length === 0) return undefined;
  const out: Record<string, DependsOnSpec> = {};
  deps.forEach(({ dep, path }) => {
    const target: unknown = isOptionsObject(dep, BRANDS.service) ? (dep as { service?: unknown }).service : dep;
    if (!expectConstruct(target, BRANDS.service, "Service", ctx, path)) return;
    const name = ctx.ref(path, target);
    if (name === undefined) return;
    const options: Partial<DependencyProps> = isOptionsObject(dep, BRANDS.service) ? (dep as DependencyProps) : {};
    const condition = options.condition ?? "started";
    if (!Object.hasOwn(CONDITIONS, condition)) {
      ctx.report(`expected "started", "healthy" or "completed"`, `${path}.condition`, condition);
      return;
    }
    out[name] = { condition: CONDITIONS[condition], restart: options.restart, required: options.required };
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

function networks(nets: readonly (Network | NetworkAttachment)[] | undefined, ctx: SynthContext): Record<string, ServiceNetworkSpec> | undefined {
  if (!nets) return undefined;
  const out: Record<string, ServiceNetworkSpec> = {};
  nets.forEach((net, i) => {
    const path = `networks[${i}]`;
    const attachment: Partial<NetworkAttachment> = isOptionsObject(net, BRANDS.network) ? (net as NetworkAttachment) : {};
    const target: unknown = isOptionsObject(net, BRANDS.network) ? attachment.network : net;
    if (!expectConstruct(target, BRANDS.network, "Network", ctx, path)) return;
    const name = ctx.ref(path, target);
    if (name === undefined) return;
    out[name] = { aliases: list(attachment.aliases), ipv4Address: attachment.ipv4Address, ipv6Address: attachment.ipv6Address };
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `"host"`, `"service:db"`, … as written; `{ service: db }` → `"service:db"`. Whether the named service exists is a graph rule. */
function networkMode(mode: NetworkMode | undefined, ctx: SynthContext): string | undefined {
  if (mode === undefined) return undefined;
  if (typeof mode !== "string") {
    if (!expectConstruct(mode.service, BRANDS.service, "Service", ctx, "networkMode.service")) return undefined;
    const name = ctx.ref("networkMode.service", mode.service);
    return name === undefined ? undefined : `service:${name}`;
  }
  if (/^(host|none|bridge)$|^(service|container):./.test(mode)) return mode;
  ctx.report(`expected "host", "none", "bridge", "service:<name>", "container:<name or id>" or { service: <Service> }`, "networkMode", mode);
  return undefined;
}

/** `[db, { service: db, readOnly: true }, { container: "x" }]` → `[{ service: "db" }, { service: "db", readOnly: true }, { container: "x" }]`. */
function volumesFrom(items: readonly VolumesFrom[] | undefined, ctx: SynthContext): VolumesFromSpec[] | undefined {
  if (!items?.length) return undefined;
  const out: VolumesFromSpec[] = [];
  items.forEach((item, i) => {
    const path = `volumesFrom[${i}]`;
    const options = (isOptionsObject(item, BRANDS.service) ? item : {}) as Partial<VolumesFromService & VolumesFromContainer>;
    const readOnly = options.readOnly === true ? ({ readOnly: true } as const) : {};
    if (options.readOnly !== undefined && typeof options.readOnly !== "boolean") ctx.report(`expected true or false`, `${path}.readOnly`, options.readOnly);
    if (typeof options.container === "string" && options.service === undefined) {
      if (/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(options.container)) out.push({ container: options.container, ...readOnly });
      else ctx.report(`expected a container's name or id (letters, digits, "_", "." or "-")`, `${path}.container`, options.container);
      return;
    }
    if (isOptionsObject(item, BRANDS.service) && (options.container !== undefined) === (options.service !== undefined)) {
      ctx.report(`expected a Service, { service: <Service>, readOnly? } or { container: "<name or id>", readOnly? }`, path);
      return;
    }
    const target: unknown = isOptionsObject(item, BRANDS.service) ? options.service : item;
    const at = isOptionsObject(item, BRANDS.service) ? `${path}.service` : path;
    if (!expectConstruct(target, BRANDS.service, "Service", ctx, at)) return;
    const name = ctx.ref(at, target);
    if (name !== undefined) out.push({ service: name, ...readOnly });
  });
  return out.length ? out : undefined;
}

type Grant = SecretGrant | ConfigGrant;

function grants(items: readonly (Secret | Config | Grant)[] | undefined, field: "secret" | "config", ctx: SynthContext): FileGrantSpec[] | undefined {
  if (!items) return undefined;
  const key = field === "secret" ? BRANDS.secret : BRANDS.config;
  const out: FileGrantSpec[] = [];
  items.forEach((item, i) => {
    const path = `${field}s[${i}]`;
    const grant: Partial<SecretGrant & ConfigGrant> = isOptionsObject(item, key) ? (item as Grant) : {};
    const target: unknown = isOptionsObject(item, key) ? grant[field] : item;
    if (!expectConstruct(target, key, field === "secret" ? "Secret" : "Config", ctx, path)) return;
    const source = ctx.ref(path, target);
    if (source === undefined) return;
    const id = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
    out.push({ source, target: grant.target, uid: id(grant.uid), gid: id(grant.gid), mode: grant.mode });
  });
  return out.length > 0 ? out : undefined;
}

function command(value: string | readonly string[] | undefined): string | string[] | undefined {
  return value === undefined || typeof value === "string" ? value : [...value];
}

/** Builds the graph entry of a service. */
export function serviceSpec(
  name: string,
  location: SourceLocation,
  props: ServiceProps,
  extraDependencies: readonly Dependency[],
  ctx: SynthContext,
): ServiceSpec {
  const sensitivePaths: string[] = [];
  const variables: Record<string, string> = {};
  const b = props.build;
  return {
    name,
    location,
    image: props.image,
    build: b && { context: b.context, dockerfile: b.dockerfile, args: stringRecord(b.args), target: b.target },
    pullPolicy: props.pullPolicy,
    command: command(props.command),
    entrypoint: command(props.entrypoint),
    environment: environment(props.environment, sensitivePaths, variables),
    envFiles: list(props.envFiles),
    ports: normalizePorts(props.ports, ctx),
    expose: normalizeExpose(props.expose, ctx),
    volumes: normalizeMounts(props.volumes, ctx),
    networks: networks(props.networks, ctx),
    networkMode: networkMode(props.networkMode, ctx),
    volumesFrom: volumesFrom(props.volumesFrom, ctx),
    dependsOn: dependencies(
      [
        ...(props.dependsOn ?? []).map((dep, i) => ({ dep, path: `dependsOn[${i}]` })),
        ...extraDependencies.map((dep, i) => ({ dep, path: `addDependency[${i}]` })),
      ],
      ctx,
    ),
    healthcheck: healthcheck(props.healthcheck, ctx),
    restart: props.restart,
    labels: stringRecord(props.labels),
    user: props.user,
    workingDir: props.workingDir,
    hostname: props.hostname,
    containerName: props.containerName,
    init: props.init,
    tty: props.tty,
    stdinOpen: props.stdinOpen,
    privileged: props.privileged,
    readOnly: props.readOnly,
    stopSignal: props.stopSignal,
    stopGracePeriod: duration(props.stopGracePeriod, ctx, "stopGracePeriod"),
    extraHosts: list(props.extraHosts),
    dns: list(props.dns),
    capAdd: list(props.capAdd),
    capDrop: list(props.capDrop),
    ...hostSettings(props, ctx),
    secrets: grants(props.secrets, "secret", ctx),
    configs: grants(props.configs, "config", ctx),
    profiles: list(props.profiles),
    deploy: normalizeDeploy(props.deploy, ctx),
    scale: props.scale,
    develop: normalizeDevelop(props.develop, props.build !== undefined, ctx),
    sensitive: sensitivePaths.length > 0 ? sensitivePaths.sort() : undefined,
    variables: Object.keys(variables).length > 0 ? variables : undefined,
    extra: props.extra,
  };
}
