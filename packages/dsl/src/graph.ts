/**
 * The resource graph: the contract between the DSL and everything after it.
 *
 * Plain, JSON-serializable data (no classes, no functions, no `undefined` values once
 * built): `JSON.parse(JSON.stringify(graph))` equals `graph`. References between
 * constructs, which are objects in the DSL, are names here. Field names are the DSL's
 * camelCase; synthesizers map them to compose's snake_case.
 *
 * Every entry carries the {@link SourceLocation} of the `new …(…)` that made it, so that
 * any later stage (validation, planning, applying) can point at the user's own line.
 *
 * Bump {@link GRAPH_VERSION} on any incompatible change.
 */
import type { HostSettings } from "./host-props";

/** The version of the graph format this package builds and reads. */
export const GRAPH_VERSION = 1 as const;

/** Where a construct was made: the user's file (relative to the working directory), 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** `file:line:col`, the form editors and terminals turn into links. */
export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return "<unknown location>";
  return `${loc.file}:${loc.line}:${loc.column}`;
}

export interface Graph {
  readonly version: typeof GRAPH_VERSION;
  /** The compose project name (`com.docker.compose.project`). */
  readonly project: string;
  /** Where the stack was declared (its `new Stack(…)`, or the first construct of an implicit stack). */
  readonly location: SourceLocation;
  /** Where `dsl synth/diff/apply/destroy/ps` deploy when no `--target` is given (absent: compose). */
  readonly target?: "compose" | "swarm";
  readonly services: Readonly<Record<string, ServiceSpec>>;
  readonly networks: Readonly<Record<string, NetworkSpec>>;
  readonly volumes: Readonly<Record<string, VolumeSpec>>;
  readonly secrets: Readonly<Record<string, SecretSpec>>;
  readonly configs: Readonly<Record<string, ConfigSpec>>;
}

/** Fields every graph entry has. */
export interface ResourceBase {
  /** The logical name (the key in its map): unprefixed, as in a compose file. */
  readonly name: string;
  readonly location: SourceLocation;
  /** The path of the component it was made in (`blue`), for pictures that group by component; never hashed nor synthesized. Absent: made in the stack itself. */
  readonly component?: string;
}

export interface BuildSpec {
  /** Build context: a path relative to the stack file's folder, or a URL. */
  readonly context: string;
  readonly dockerfile?: string;
  readonly args?: Readonly<Record<string, string>>;
  readonly target?: string;
}

export type Protocol = "tcp" | "udp" | "sctp";

/** One published or exposed port. Ranges in the DSL expand to one entry per port. */
export interface PortSpec {
  /** Container port. */
  readonly target: number;
  /** Host port; absent means an ephemeral port chosen by the engine. */
  readonly published?: number;
  /** Host address to bind, e.g. `127.0.0.1`; absent means all addresses. */
  readonly hostIp?: string;
  readonly protocol: Protocol;
  /** Swarm publish mode. */
  readonly mode?: "ingress" | "host";
}

/** A named volume of this stack mounted into the container. `source` is the volume's logical name. */
export interface VolumeMountSpec {
  readonly type: "volume";
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
  /** Do not copy the image's content at `target` into a new, empty volume. */
  readonly noCopy?: boolean;
}
/** A host path mounted into the container. `source` is the path as written (relative paths are relative to the stack file's folder). */
export interface BindMountSpec {
  readonly type: "bind";
  readonly source: string;
  readonly target: string;
  readonly readOnly?: boolean;
  /** Create the host path when it is missing (compose's default is true). */
  readonly createHostPath?: boolean;
  /** Written in compose's long form: compose 1.29 makes it a `HostConfig.Mounts` entry, the short form a `Binds` one. */
  readonly long?: boolean;
}
/** An in-memory filesystem. */
export interface TmpfsMountSpec {
  readonly type: "tmpfs";
  readonly target: string;
  /** Size in bytes. */
  readonly size?: number;
}
/**
 * A volume the engine makes for this container alone, with a random name (compose's anonymous
 * volume). docker compose 1.29 gives a recreated container the old one's, and so does the compose target.
 */
export interface AnonymousVolumeMountSpec {
  readonly type: "anonymous";
  readonly target: string;
  readonly readOnly?: boolean;
  /** Do not copy the image's content at `target` into the new, empty volume. */
  readonly noCopy?: boolean;
  /**
   * Written in compose's short form (`- /path`): compose 1.29 declares it in the container's
   * `Config.Volumes`, where the long form (`{ type: volume, target }`) is a `HostConfig.Mounts` entry.
   */
  readonly short?: boolean;
}
export type MountSpec = VolumeMountSpec | AnonymousVolumeMountSpec | BindMountSpec | TmpfsMountSpec;

export interface ServiceNetworkSpec {
  readonly aliases?: readonly string[];
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
}

export type DependsOnCondition = "service_started" | "service_healthy" | "service_completed_successfully";

export interface DependsOnSpec {
  readonly condition: DependsOnCondition;
  /** Restart this service when the dependency is updated (compose's `restart`). */
  readonly restart?: boolean;
  /** Fail when the dependency is missing (compose's default true). */
  readonly required?: boolean;
}

export interface HealthcheckSpec {
  /** `["CMD", …]`, `["CMD-SHELL", "…"]` or `["NONE"]`. */
  readonly test: readonly string[];
  /** Durations in compose form: `1m30s`, `500ms`. */
  readonly interval?: string;
  readonly timeout?: string;
  readonly retries?: number;
  readonly startPeriod?: string;
  readonly startInterval?: string;
  readonly disable?: boolean;
}

/** A secret or config granted to a service. `source` is the logical name. */
export interface FileGrantSpec {
  readonly source: string;
  /** Path (configs) or file name under /run/secrets (secrets). */
  readonly target?: string;
  readonly uid?: string;
  readonly gid?: string;
  readonly mode?: number;
}

export interface ResourceLimitsSpec {
  /** CPUs as compose writes them: `"0.5"`. */
  readonly cpus?: string;
  /** Bytes. */
  readonly memory?: number;
  readonly pids?: number;
}

export interface DeploySpec {
  readonly mode?: "replicated" | "global";
  readonly replicas?: number;
  readonly resources?: {
    readonly limits?: ResourceLimitsSpec;
    readonly reservations?: ResourceLimitsSpec;
  };
  readonly labels?: Readonly<Record<string, string>>;
  readonly restartPolicy?: {
    readonly condition?: "none" | "on-failure" | "any";
    readonly delay?: string;
    readonly maxAttempts?: number;
    readonly window?: string;
  };
  readonly updateConfig?: UpdateConfigSpec;
  readonly rollbackConfig?: UpdateConfigSpec;
  readonly placement?: {
    readonly constraints?: readonly string[];
    readonly preferences?: readonly { readonly spread: string }[];
    readonly maxReplicasPerNode?: number;
  };
}

export interface UpdateConfigSpec {
  readonly parallelism?: number;
  readonly delay?: string;
  readonly failureAction?: "continue" | "rollback" | "pause";
  readonly monitor?: string;
  readonly maxFailureRatio?: number;
  readonly order?: "stop-first" | "start-first";
}

export type RestartPolicy = "no" | "always" | "unless-stopped" | "on-failure" | `on-failure:${number}`;

export type PullPolicy = "always" | "never" | "missing" | "build";

/** One `develop.watch` rule, normalized: `path` relative to the stack file's folder, lists as arrays. */
export interface DevelopWatchSpec {
  readonly path: string;
  readonly action: "sync" | "rebuild" | "restart" | "sync+restart" | "sync+exec";
  readonly target?: string;
  readonly ignore?: readonly string[];
  readonly include?: readonly string[];
  readonly exec?: {
    readonly command: string | readonly string[];
    readonly user?: string;
    readonly workingDir?: string;
    readonly environment?: Readonly<Record<string, string>>;
    readonly privileged?: boolean;
  };
  readonly initialSync?: boolean;
}

/** A service as the graph holds it; its {@link HostSettings} are kept as written. */
export interface ServiceSpec extends ResourceBase, HostSettings {
  readonly image?: string;
  readonly build?: BuildSpec;
  readonly pullPolicy?: PullPolicy;
  /** String: split like a shell would (compose semantics, no shell runs). Array: exec form. */
  readonly command?: string | readonly string[];
  readonly entrypoint?: string | readonly string[];
  /** `null` passes the variable through from the environment of whoever runs compose. */
  readonly environment?: Readonly<Record<string, string | null>>;
  /** `env_file` paths, relative to the stack file's folder. */
  readonly envFiles?: readonly string[];
  readonly ports?: readonly PortSpec[];
  /** Ports exposed to linked services only (compose `expose`). */
  readonly expose?: readonly number[];
  readonly volumes?: readonly MountSpec[];
  /** Networks joined, by logical name. Absent: the stack's default network (unless `networkMode` is set). */
  readonly networks?: Readonly<Record<string, ServiceNetworkSpec>>;
  /** Compose's `network_mode`: `host`, `none`, `bridge`, `service:<logical name>` or `container:<name or id>`. */
  readonly networkMode?: string;
  /** Compose's `volumes_from`: every volume of these containers is mounted at the same paths, in this order. */
  readonly volumesFrom?: readonly VolumesFromSpec[];
  readonly dependsOn?: Readonly<Record<string, DependsOnSpec>>;
  readonly healthcheck?: HealthcheckSpec;
  readonly restart?: RestartPolicy;
  readonly labels?: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly workingDir?: string;
  readonly hostname?: string;
  readonly containerName?: string;
  readonly init?: boolean;
  readonly tty?: boolean;
  readonly stdinOpen?: boolean;
  readonly privileged?: boolean;
  readonly readOnly?: boolean;
  readonly stopSignal?: string;
  readonly stopGracePeriod?: string;
  readonly extraHosts?: readonly string[];
  readonly dns?: readonly string[];
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly secrets?: readonly FileGrantSpec[];
  readonly configs?: readonly FileGrantSpec[];
  readonly profiles?: readonly string[];
  readonly deploy?: DeploySpec;
  /** Compose's `scale`: the number of containers, as `deploy.replicas`. */
  readonly scale?: number;
  /**
   * Paths (`environment.DB_PASSWORD`) whose values are sensitive: printed as
   * `(sensitive)` in previews, logs, JSON and errors.
   */
  readonly sensitive?: readonly string[];
  /**
   * For sensitive paths whose value was read with `env()`: the variable it came from
   * (`{ "environment.DB_PASSWORD": "DB_PASSWORD" }`), so that synth writes
   * `${DB_PASSWORD:?set DB_PASSWORD}` instead of the value.
   */
  readonly variables?: Readonly<Record<string, string>>;
  /** `develop.watch`: read by `dsl watch` only. */
  readonly develop?: { readonly watch: readonly DevelopWatchSpec[] };
  /**
   * Compose keys the DSL does not model, emitted verbatim by synth (escape hatch,
   * e.g. `{ "x-team": "web", "sysctls": {…} }`). Keys are compose's own spelling.
   */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

/** The service whose container's network `spec` joins (`networkMode: "service:db"` → `"db"`), if any: it starts first. */
export function networkModeService(spec: Pick<ServiceSpec, "networkMode">): string | undefined {
  return spec.networkMode?.startsWith("service:") ? spec.networkMode.slice("service:".length) : undefined;
}

/** One `volumes_from` entry: a service of the stack (by logical name) or a container outside it; read-write unless `readOnly`. */
export type VolumesFromSpec = { readonly service: string; readonly readOnly?: true } | { readonly container: string; readonly readOnly?: true };

/** The services whose containers' volumes `spec` mounts (`volumesFrom: [db]` → `["db"]`): each starts first. */
export function volumesFromServices(spec: Pick<ServiceSpec, "volumesFrom">): string[] {
  return [...new Set((spec.volumesFrom ?? []).flatMap((v) => ("service" in v ? [v.service] : [])))];
}

export interface NetworkSpec extends ResourceBase {
  readonly driver?: string;
  readonly driverOpts?: Readonly<Record<string, string>>;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly enableIpv6?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ipam?: {
    readonly driver?: string;
    readonly config?: readonly { readonly subnet?: string; readonly gateway?: string; readonly ipRange?: string }[];
  };
  /** The network exists outside the stack; `externalName` is its engine name (default: the logical name). */
  readonly external?: boolean;
  readonly externalName?: string;
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

export interface VolumeSpec extends ResourceBase {
  readonly driver?: string;
  readonly driverOpts?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly external?: boolean;
  readonly externalName?: string;
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

/** A secret: from a file, from an environment variable of whoever deploys, or external. Its value never enters the graph. */
export interface SecretSpec extends ResourceBase {
  readonly file?: string;
  readonly environment?: string;
  readonly external?: boolean;
  readonly externalName?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A config: like a secret, and may also carry inline `content`. */
export interface ConfigSpec extends ResourceBase {
  readonly file?: string;
  readonly environment?: string;
  readonly content?: string;
  /** The inline `content` is sensitive: never printed; synth writes a reference or a file instead. */
  readonly sensitive?: boolean;
  /** The variable a sensitive `content` was read from with `env()`. */
  readonly variable?: string;
  readonly external?: boolean;
  readonly externalName?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };
