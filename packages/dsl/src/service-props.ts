/**
 * The typed props of a {@link Service}: compose's service keys in camelCase, with
 * references to other constructs as objects (never names).
 */
import type { JsonValue, Protocol, PullPolicy, RestartPolicy } from "./graph";
import type { Config, Secret } from "./file-resources";
import type { HostSettings } from "./host-props";
import type { Network } from "./network";
import type { Sensitive } from "./sensitive";
import type { Service } from "./service";
import type { Volume } from "./volume";

/** A duration: a compose string (`"30s"`, `"1m30s"`, `"500ms"`) or a number of seconds. Normalized to the compose string form. */
export type Duration = string | number;

/** A byte size: a compose string (`"512M"`, `"1g"`, `"64kb"`, base 1024) or a number of bytes. */
export type ByteSize = string | number;

/** An environment value: strings as is, numbers and booleans stringified, `null` passes the deployer's variable through, {@link sensitive} hides it in output. */
export type EnvironmentValue = string | number | boolean | null | Sensitive;

/** How to build the service's image. */
export interface BuildProps {
  /** Build context: a path relative to the stack file's folder, or a git URL. */
  readonly context: string;
  /** Dockerfile path, relative to the context. @default "Dockerfile" */
  readonly dockerfile?: string;
  /** Build arguments (`ARG`); numbers and booleans are stringified. @default {} */
  readonly args?: Readonly<Record<string, string | number | boolean>>;
  /** The stage of a multi-stage Dockerfile to build. @default the last stage */
  readonly target?: string;
}

/** The long (typed) form of a published port. */
export interface PortMapping {
  /** Container port (0–65535). */
  readonly target: number;
  /** Host port (0–65535). @default an ephemeral port chosen by the engine */
  readonly published?: number;
  /** @default "tcp" */
  readonly protocol?: Protocol;
  /** Host address to bind, e.g. `"127.0.0.1"`. @default all addresses */
  readonly hostIp?: string;
  /** Swarm publish mode. @default "ingress" (Swarm only) */
  readonly mode?: "ingress" | "host";
}

/**
 * A port: compose's short string (`"8080:80"`, `"127.0.0.1:8080:80/udp"`, ranges like
 * `"8000-8001:80-81"` expand to one port each), a bare container port number, or the typed
 * {@link PortMapping}.
 */
export type PortProps = string | number | PortMapping;

/** Mounts a named {@link Volume} of the same stack. */
export interface VolumeMount {
  /** @default "volume" */
  readonly type?: "volume";
  /** The volume object (not its name). */
  readonly source: Volume;
  /** Absolute path in the container. */
  readonly target: string;
  /** @default false */
  readonly readOnly?: boolean;
  /** Do not copy the image's content at `target` into a new, empty volume. @default false */
  readonly noCopy?: boolean;
}

/**
 * Mounts a volume the engine makes for this container alone, with a random name (compose's
 * anonymous volume, `"/app/node_modules"`): it keeps what the container wrote at `target` apart
 * from the image and from bind mounts above it. A recreated container gets the old one's volume;
 * `dsl destroy --volumes` and `dsl rm -v` remove it.
 */
export interface AnonymousVolumeMount {
  /** @default "volume" */
  readonly type?: "volume";
  /** Absolute path in the container. */
  readonly target: string;
  /** @default false */
  readonly readOnly?: boolean;
  /** Do not copy the image's content at `target` into the new, empty volume. @default false */
  readonly noCopy?: boolean;
}

/** Mounts a host path. */
export interface BindMount {
  /** Always `"bind"`: mounts a host path. */
  readonly type: "bind";
  /** Host path: absolute, or relative to the stack file's folder (`./…`, `../…`, `~/…`, `.`). */
  readonly source: string;
  /** Absolute path in the container. */
  readonly target: string;
  /** @default false */
  readonly readOnly?: boolean;
  /** Create the host path when it is missing. @default true (compose's default) */
  readonly createHostPath?: boolean;
  /**
   * Written in compose's long form (`{ type: bind, source, target }`; what `dsl import` writes for
   * one): docker compose 1.29 makes that a `HostConfig.Mounts` entry, which needs the host path to
   * exist, where the short form (`./src:/app`, the default) is a `Binds` entry that creates it.
   * @default false
   */
  readonly long?: boolean;
}

/** Mounts an in-memory filesystem. */
export interface TmpfsMount {
  /** Always `"tmpfs"`: mounts an in-memory filesystem. */
  readonly type: "tmpfs";
  /** Absolute path in the container. */
  readonly target: string;
  /** Maximum size. @default unlimited */
  readonly size?: ByteSize;
}

/**
 * A mount: a {@link VolumeMount}, {@link AnonymousVolumeMount}, {@link BindMount}, {@link TmpfsMount},
 * or compose's short string for a bind mount (`"./src:/var/www/html:ro"`) or an anonymous volume
 * (`"/app/node_modules"`); named volumes are objects.
 */
export type MountProps = string | VolumeMount | AnonymousVolumeMount | BindMount | TmpfsMount;

/** Joins a network with options. */
export interface NetworkAttachment {
  /** The network object (not its name). */
  readonly network: Network;
  /** Extra DNS names of the service on this network. @default [] (the service name is always one) */
  readonly aliases?: readonly string[];
  /** Static IPv4 address. @default assigned by the engine */
  readonly ipv4Address?: string;
  /** Static IPv6 address. @default assigned by the engine */
  readonly ipv6Address?: string;
}

/** Shares the network stack of another service's (first) container: compose's `network_mode: service:<name>`. */
export interface ServiceNetworkMode {
  /** The service whose container's network this one joins (the object, not its name); it starts first. */
  readonly service: Service;
}

/**
 * How the container is networked instead of joining the stack's networks: the host's network
 * (`"host"`), none (`"none"`), the engine's default bridge (`"bridge"`), another service's
 * container ({@link ServiceNetworkMode}, or `"service:<name>"`), or a container outside the stack
 * (`"container:<name or id>"`). With any of them the service joins no network of the stack and
 * publishes no ports; with a service or container it also sets no hostname, DNS or extra hosts.
 */
export type NetworkMode = "host" | "none" | "bridge" | `service:${string}` | `container:${string}` | ServiceNetworkMode;

/** Mounts the volumes of another service's (first) container: compose's `volumes_from: ["db"]` or `["db:ro"]`. */
export interface VolumesFromService {
  /** The service whose container's volumes are mounted (the object, not its name); it starts first. */
  readonly service: Service;
  /** Mount them read-only (`db:ro`). @default false (read-write, as that container has them) */
  readonly readOnly?: boolean;
}

/** Mounts the volumes of a container outside the stack: compose's `volumes_from: ["container:<name>"]`. It must exist when the service's container is created. */
export interface VolumesFromContainer {
  /** The container's name or id. */
  readonly container: string;
  /** Mount them read-only (`container:<name>:ro`). @default false */
  readonly readOnly?: boolean;
}

/**
 * Whose volumes the container mounts too, at the paths they have there: a service of the stack
 * (`db`, or {@link VolumesFromService} for read-only), or a container outside it
 * ({@link VolumesFromContainer}).
 */
export type VolumesFrom = Service | VolumesFromService | VolumesFromContainer;

/** What a dependent waits for: the dependency `started`, `healthy` (its healthcheck passes) or `completed` (exited 0). */
export type DependencyCondition = "started" | "healthy" | "completed";

/** A dependency with options. */
export interface DependencyProps {
  /** The service depended on (the object, not its name). */
  readonly service: Service;
  /** @default "started" */
  readonly condition?: DependencyCondition;
  /** Restart this service when the dependency is updated. @default false */
  readonly restart?: boolean;
  /** Fail when the dependency is missing. @default true */
  readonly required?: boolean;
}

/** A dependency: a service (condition `started`) or {@link DependencyProps}. */
export type Dependency = Service | DependencyProps;

/** How the engine checks that the container is healthy. */
export interface HealthcheckProps {
  /** A string runs in a shell (`["CMD-SHELL", s]`); an array is `["CMD", …]`, `["CMD-SHELL", s]` or `["NONE"]`. */
  readonly test: string | readonly string[];
  /** Time between checks. @default "30s" */
  readonly interval?: Duration;
  /** Time a check may take. @default "30s" */
  readonly timeout?: Duration;
  /** Consecutive failures before `unhealthy`. @default 3 */
  readonly retries?: number;
  /** Grace period after start when failures do not count. @default "0s" */
  readonly startPeriod?: Duration;
  /** Time between checks during the start period. @default "5s" */
  readonly startInterval?: Duration;
  /** Disable the image's own healthcheck. @default false */
  readonly disable?: boolean;
}

/** Options for granting a secret or config file. */
interface FileGrantOptions {
  /** File name under `/run/secrets` (secrets) or absolute path (configs). @default the construct's name */
  readonly target?: string;
  /** Owner user id of the file. @default "0" */
  readonly uid?: string | number;
  /** Owner group id of the file. @default "0" */
  readonly gid?: string | number;
  /** File mode, e.g. `0o440`. @default 0o444 */
  readonly mode?: number;
}

/** A secret with options. */
export interface SecretGrant extends FileGrantOptions {
  /** The secret object (not its name). */
  readonly secret: Secret;
}

/** A config with options. */
export interface ConfigGrant extends FileGrantOptions {
  /** The config object (not its name). */
  readonly config: Config;
}

/** Resource amounts for `deploy.resources`. */
export interface ResourceLimitsProps {
  /** CPUs: `0.5`, `"1.5"`. @default no limit */
  readonly cpus?: number | string;
  /** Memory: `"512M"`, `"1g"` or bytes. @default no limit */
  readonly memory?: ByteSize;
  /** Maximum number of processes. @default no limit */
  readonly pids?: number;
}

/** Rolling update or rollback behaviour (Swarm). */
export interface UpdateConfigProps {
  /** Containers updated at a time. @default 1 */
  readonly parallelism?: number;
  /** Wait between groups. @default "0s" */
  readonly delay?: Duration;
  /** What to do when an update fails. @default "pause" */
  readonly failureAction?: "continue" | "rollback" | "pause";
  /** Time to watch each task for failure. @default "5s" */
  readonly monitor?: Duration;
  /** Tolerated failure ratio (0–1). @default 0 */
  readonly maxFailureRatio?: number;
  /** Stop the old task before starting the new one, or the reverse. @default "stop-first" */
  readonly order?: "stop-first" | "start-first";
}

/** Spread tasks evenly over the values of a node label. */
export interface PlacementPreference {
  /** e.g. `"node.labels.zone"`. */
  readonly spread: string;
}

/** Deployment settings (`deploy`): replicas, resources, Swarm policies. */
export interface DeployProps {
  /** @default "replicated" */
  readonly mode?: "replicated" | "global";
  /** Number of containers (a non-negative integer). @default 1 */
  readonly replicas?: number;
  /** Resource limits and reservations. @default none */
  readonly resources?: {
    /** Upper bounds. @default none */
    readonly limits?: ResourceLimitsProps;
    /** Guaranteed amounts. @default none */
    readonly reservations?: ResourceLimitsProps;
  };
  /** Labels on the Swarm service (not the containers). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Swarm restart policy. @default condition "any" */
  readonly restartPolicy?: {
    /** @default "any" */
    readonly condition?: "none" | "on-failure" | "any";
    /** Wait between restarts. @default "5s" */
    readonly delay?: Duration;
    /** Give up after this many attempts. @default unlimited */
    readonly maxAttempts?: number;
    /** Time to decide whether a restart succeeded. @default immediately */
    readonly window?: Duration;
  };
  /** How updates roll out. @default Swarm's defaults */
  readonly updateConfig?: UpdateConfigProps;
  /** How rollbacks roll out. @default Swarm's defaults */
  readonly rollbackConfig?: UpdateConfigProps;
  /** Where tasks may run. @default anywhere */
  readonly placement?: {
    /** e.g. `"node.role == manager"`. @default [] */
    readonly constraints?: readonly string[];
    /** e.g. `{ spread: "node.labels.zone" }`. @default [] */
    readonly preferences?: readonly PlacementPreference[];
    /** @default unlimited */
    readonly maxReplicasPerNode?: number;
  };
}

/** What `dsl watch` does when a file under a rule's `path` changes (compose's `develop.watch` actions). */
export type DevelopAction = "sync" | "rebuild" | "restart" | "sync+restart" | "sync+exec";

/** The command a `sync+exec` rule runs in each container after syncing. */
export interface DevelopExec {
  /** The command: a string is split like a shell would; an array is the exec form. */
  readonly command: string | readonly string[];
  /** User to run it as. @default the container's */
  readonly user?: string;
  /** Working directory. @default the container's */
  readonly workingDir?: string;
  /** Extra environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Run it privileged. @default false */
  readonly privileged?: boolean;
}

/** One `develop.watch` rule: what `dsl watch` does when a file under `path` changes. */
export interface DevelopWatchRule {
  /** The host file or folder to watch (folders recursively), relative to the stack file's folder; no globs. */
  readonly path: string;
  /**
   * `sync`: copy the changed file into the service's running containers under `target` (a deleted
   * file is deleted there), with no rebuild and no recreate; `sync+restart`: then restart them;
   * `sync+exec`: then run `exec` in them; `restart`: restart them; `rebuild`: build the service's
   * image again and recreate that service only.
   */
  readonly action: DevelopAction;
  /** Where `path` lands in the container (absolute); required by the `sync` actions. @default none */
  readonly target?: string;
  /** Patterns (`.dockerignore` syntax, relative to `path`) whose changes are ignored. `.git/` and editors' temporary files always are. @default [] */
  readonly ignore?: string | readonly string[];
  /** Only changes matching one of these patterns count. @default everything under `path` */
  readonly include?: string | readonly string[];
  /** The command of a `sync+exec` rule (required there, refused elsewhere). @default none */
  readonly exec?: DevelopExec;
  /** Sync `path` into the containers when watching starts, not only on a change (the `sync` actions). @default false */
  readonly initialSync?: boolean;
}

/** The dev loop's settings: read by `dsl watch` only (never by apply; a change to them recreates nothing). */
export interface DevelopProps {
  /** What to do when files change. @default [] */
  readonly watch?: readonly DevelopWatchRule[];
}

/** Everything a service can say. Each field maps to the compose key of the same meaning ({@link HostSettings} has the kernel, resource and logging ones). */
export interface ServiceProps extends HostSettings {
  /** Image to run, e.g. `"postgres:16"`. A service needs `image`, `build`, or both (then `image` names the built image). @default none */
  readonly image?: string;
  /** Build the image from a Dockerfile. @default none */
  readonly build?: BuildProps;
  /** When to pull the image. @default "missing" */
  readonly pullPolicy?: PullPolicy;
  /** Overrides the image's `CMD`: a string is split like a shell would (no shell runs); an array is the exec form. @default the image's CMD */
  readonly command?: string | readonly string[];
  /** Overrides the image's `ENTRYPOINT`. @default the image's ENTRYPOINT */
  readonly entrypoint?: string | readonly string[];
  /** Environment variables; wrap secrets in {@link sensitive}. @default {} */
  readonly environment?: Readonly<Record<string, EnvironmentValue>>;
  /** `env_file` paths, relative to the stack file's folder. @default [] */
  readonly envFiles?: readonly string[];
  /** Ports published on the host. @default [] (nothing published) */
  readonly ports?: readonly PortProps[];
  /** Ports exposed to other services only. @default [] */
  readonly expose?: readonly number[];
  /** Mounts: volumes, bind mounts, tmpfs. @default [] */
  readonly volumes?: readonly MountProps[];
  /** Networks joined. @default the stack's default network */
  readonly networks?: readonly (Network | NetworkAttachment)[];
  /** Network mode instead of the stack's networks: `"host"`, `"none"`, `{ service: db }`, … (see {@link NetworkMode}). @default the stack's networks */
  readonly networkMode?: NetworkMode;
  /** Mount every volume of these containers as well, at the same paths: `[db, { service: cache, readOnly: true }, { container: "data" }]` (see {@link VolumesFrom}). A service named here starts first. @default [] */
  readonly volumesFrom?: readonly VolumesFrom[];
  /** Services started first. Add more later with `service.addDependency(…)`. @default [] */
  readonly dependsOn?: readonly Dependency[];
  /** Container healthcheck. @default the image's HEALTHCHECK */
  readonly healthcheck?: HealthcheckProps;
  /** Restart policy of the container. @default "no" */
  readonly restart?: RestartPolicy;
  /** Container labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** User (and group) to run as: `"1000"`, `"app:app"`. @default the image's USER */
  readonly user?: string;
  /** Working directory in the container. @default the image's WORKDIR */
  readonly workingDir?: string;
  /** Container host name. @default the container id */
  readonly hostname?: string;
  /** Fixed container name (prevents scaling past one replica). @default `<project>-<service>-<n>` */
  readonly containerName?: string;
  /** Run an init process as PID 1 that forwards signals and reaps zombies. @default false */
  readonly init?: boolean;
  /** Allocate a TTY. @default false */
  readonly tty?: boolean;
  /** Keep stdin open. @default false */
  readonly stdinOpen?: boolean;
  /** Give the container extended privileges. @default false */
  readonly privileged?: boolean;
  /** Mount the root filesystem read-only. @default false */
  readonly readOnly?: boolean;
  /** Signal that stops the container. @default "SIGTERM" */
  readonly stopSignal?: string;
  /** Time to wait after the stop signal before killing. @default "10s" */
  readonly stopGracePeriod?: Duration;
  /** Extra `/etc/hosts` entries: `"host.docker.internal:host-gateway"`. @default [] */
  readonly extraHosts?: readonly string[];
  /** DNS servers. @default the engine's */
  readonly dns?: readonly string[];
  /** Linux capabilities to add. @default [] */
  readonly capAdd?: readonly string[];
  /** Linux capabilities to drop. @default [] */
  readonly capDrop?: readonly string[];
  /** Secrets mounted under `/run/secrets`. @default [] */
  readonly secrets?: readonly (Secret | SecretGrant)[];
  /** Configs mounted as files. @default [] */
  readonly configs?: readonly (Config | ConfigGrant)[];
  /** Profiles that enable this service; none means always enabled. @default [] */
  readonly profiles?: readonly string[];
  /** Deployment settings. @default one replica, no limits */
  readonly deploy?: DeployProps;
  /** Number of containers (compose's `scale`): the same as `deploy.replicas`, so set one of them (different values are an error, as in compose). @default 1 */
  readonly scale?: number;
  /** The dev loop: files `dsl watch` syncs into the containers, or rebuilds or restarts on. @default none */
  readonly develop?: DevelopProps;
  /** Compose keys the DSL does not model, emitted verbatim (compose's own spelling). @default {} */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}
