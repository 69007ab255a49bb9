/**
 * The Docker Engine as the runtime sees it: a small, typed interface, so that `observe`, `apply`
 * and the CLI can be tested against a fake, and so that nothing outside `engine/` depends on
 * dockerode (whose `require` alone costs ~0.1 s, more than a whole no-op apply).
 *
 * Reads return our own small types (only the fields Berth uses, plain data, sorted where the
 * engine's order is arbitrary). Writes take the engine's own API bodies (`ContainerCreateOptions`
 * and friends, re-exported from dockerode's types), because the graph → body mapping is the
 * runtime's job (`apply/container-config.ts`), not the adapter's.
 */
import type { Readable } from "node:stream";
import type Dockerode from "dockerode";
import type { ContainerState } from "../compose/observed";
import type { AttachOptions, Attached, EngineEvent, EventsOptions, ProcessList } from "./stream-types";
import type {
  SwarmConfigSpecBody,
  SwarmFileObject,
  SwarmInfo,
  SwarmInitOptions,
  SwarmNode,
  SwarmSecretSpecBody,
  SwarmService,
  SwarmServiceSpec,
  SwarmTask,
} from "./swarm-types";

export type * from "./swarm-types";
export type * from "./stream-types";

/** Body of `POST /containers/create` (plus `name`), as the engine API spells it. */
export type ContainerCreateOptions = Dockerode.ContainerCreateOptions;
/** Body of `POST /networks/create`. */
export type NetworkCreateOptions = Dockerode.NetworkCreateOptions;
/** Body of `POST /volumes/create`. */
export type VolumeCreateOptions = Dockerode.VolumeCreateOptions;
/** `EndpointConfig` of `POST /networks/{id}/connect`: aliases, static addresses. */
export type EndpointSettings = Dockerode.EndpointSettings;

export type { ContainerState };
export type HealthStatus = "starting" | "healthy" | "unhealthy";

/** Label filter: `{ key: "value" }` matches that value, `{ key: true }` any object carrying the key. */
export type LabelFilter = Readonly<Record<string, string | true>>;

export interface ListContainersOptions {
  /** Include stopped containers (`docker ps -a`). Default false, as the engine's. */
  readonly all?: boolean;
  /** Every label must match. */
  readonly labels?: LabelFilter;
  /** Exact engine names (without the leading slash); any may match. */
  readonly names?: readonly string[];
}

/** One row of `GET /containers/json`. */
export interface ContainerSummary {
  readonly id: string;
  /** Engine name without the leading slash (`blog-web-1`); link aliases are left out. */
  readonly name: string;
  /** Image reference the container was created with (`nginx:1.27`, or an id). */
  readonly image: string;
  readonly imageId: string;
  readonly state: ContainerState;
  /** The engine's human status: `Up 3 minutes (healthy)`. */
  readonly status: string;
  /** Parsed from `status` when the container has a healthcheck and runs. */
  readonly health?: HealthStatus;
  readonly labels: Readonly<Record<string, string>>;
  /** Engine network names, sorted. */
  readonly networks: readonly string[];
  /** Volume mounts (named and anonymous), container path → volume name; absent when none. */
  readonly volumeMounts?: Readonly<Record<string, string>>;
  /** Unix seconds. */
  readonly created: number;
}

export interface PublishedPort {
  /** Container port. */
  readonly target: number;
  readonly protocol: "tcp" | "udp" | "sctp";
  readonly hostIp: string;
  readonly hostPort: number;
}

export interface ContainerMount {
  readonly type: string;
  /** Volume name, for volumes. */
  readonly name?: string;
  readonly source: string;
  readonly destination: string;
  readonly readOnly: boolean;
}

export interface ContainerNetworkAttachment {
  readonly networkId: string;
  readonly ipAddress: string;
  readonly aliases: readonly string[];
}

/**
 * `GET /containers/{id}/json`, reduced. The state fields are flat (`status`, `exitCode`,
 * `health`) so that waiting loops read them directly.
 */
export interface ContainerDetails {
  readonly id: string;
  /** Without the leading slash. */
  readonly name: string;
  /** `Config.Image`: the reference as created. */
  readonly image: string;
  /** `sha256:…` */
  readonly imageId: string;
  readonly created: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: readonly string[];
  readonly command: readonly string[];
  readonly entrypoint: readonly string[];
  readonly tty: boolean;
  readonly status: ContainerState;
  readonly running: boolean;
  readonly exitCode: number;
  readonly health?: HealthStatus;
  /** Output of the last healthcheck run, for error messages. */
  readonly healthLog?: string;
  /** The engine's error for the last start, when any. */
  readonly error?: string;
  readonly oomKilled: boolean;
  readonly pid: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly restartCount: number;
  /** By engine network name. */
  readonly networks: Readonly<Record<string, ContainerNetworkAttachment>>;
  /** Bound host ports, sorted by target, protocol, host address. */
  readonly ports: readonly PublishedPort[];
  readonly mounts: readonly ContainerMount[];
  /** The engine's whole answer, for diagnostics only: not a stable contract. */
  readonly raw: unknown;
}

export interface WaitResult {
  readonly exitCode: number;
  readonly error?: string;
}

export interface LogsOptions {
  /** Keep the stream open and follow new output. Default false. */
  readonly follow?: boolean;
  /** Lines from the end, or `"all"` (the default). */
  readonly tail?: number | "all";
  /** Prefix every line with an RFC 3339 timestamp. Default false. */
  readonly timestamps?: boolean;
  /** Unix seconds: only output after this time. */
  readonly since?: number;
}

/** One piece of container output, demultiplexed. A chunk may hold several lines, or part of one. */
export interface LogChunk {
  readonly stream: "stdout" | "stderr";
  readonly data: Buffer;
}

/** An object-mode stream of {@link LogChunk}s; destroy it to stop following. */
export type LogStream = Readable & AsyncIterable<LogChunk>;

export interface ExecOptions {
  /** Allocate a TTY: stdout and stderr then arrive mixed, as `stdout`. Default false. */
  readonly tty?: boolean;
  /** `KEY=value` entries. */
  readonly env?: readonly string[];
  readonly user?: string;
  readonly workingDir?: string;
  readonly privileged?: boolean;
}

export interface ExecResult {
  readonly exitCode: number;
  /** Captured output (the first MiB of each stream). */
  readonly stdout: string;
  readonly stderr: string;
}

export interface NetworkSummary {
  readonly id: string;
  readonly name: string;
  readonly driver: string;
  readonly scope: string;
  readonly internal: boolean;
  readonly attachable: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** IPAM subnets, in the engine's order. */
  readonly subnets: readonly string[];
}

/** One endpoint on a network: the container it belongs to (which may be gone, see `networkEndpoints`). */
export interface NetworkEndpoint {
  readonly containerId: string;
  /** The endpoint's name: the container's name when it was attached. */
  readonly name: string;
}

export interface VolumeSummary {
  readonly name: string;
  readonly driver: string;
  readonly scope: string;
  readonly mountpoint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
}

export interface ListOptions {
  readonly labels?: LabelFilter;
  /** Exact names; any may match. */
  readonly names?: readonly string[];
}

export interface ImageSummary {
  readonly id: string;
  /** `repo:tag` references, sorted; empty for dangling images. */
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  /** Unix seconds. */
  readonly created: number;
  readonly size: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ImageDetails {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  readonly created: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: readonly string[];
  readonly command: readonly string[];
  readonly entrypoint: readonly string[];
  readonly workingDir: string;
  readonly user: string;
  /** `80/tcp` keys, sorted. */
  readonly exposedPorts: readonly string[];
  /** Whether the image declares a HEALTHCHECK. */
  readonly hasHealthcheck: boolean;
}

/** One event of a pull or build progress stream, as the engine sends it. */
export interface ProgressEvent {
  /** Layer or step id. */
  readonly id?: string;
  /** `Downloading`, `Pull complete`, … */
  readonly status?: string;
  /** The engine's progress bar text. */
  readonly progress?: string;
  readonly current?: number;
  readonly total?: number;
  /** Build output text (one or more lines, newline-terminated). */
  readonly stream?: string;
}

export interface PullOptions {
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Registry credentials (`X-Registry-Auth`). */
  readonly auth?: { readonly username?: string; readonly password?: string; readonly serveraddress?: string; readonly identitytoken?: string };
  /** `linux/amd64`. */
  readonly platform?: string;
}

export interface PushOptions {
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Registry credentials (`X-Registry-Auth`). */
  readonly auth?: PullOptions["auth"];
}

export interface BuildOptions {
  /** Credentials per registry, for base images (`X-Registry-Config`). */
  readonly registryConfig?: Readonly<Record<string, NonNullable<PullOptions["auth"]>>>;
  /** Dockerfile path relative to the context. Default `Dockerfile`. */
  readonly dockerfile?: string;
  readonly args?: Readonly<Record<string, string>>;
  readonly target?: string;
  /** Tag(s) the result: `blog-web:latest`. */
  readonly tags?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  /** Always try to pull newer base images. Default false. */
  readonly pull?: boolean;
  readonly noCache?: boolean;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface BuildResult {
  /** `sha256:…` of the built image. */
  readonly imageId: string;
}

export interface EngineVersion {
  readonly version: string;
  readonly apiVersion: string;
  readonly os: string;
  readonly arch: string;
}

/** Everything Berth asks of a Docker Engine. All methods reject with an `EngineError`. */
export interface Engine {
  /** Where the engine answers, for display: `unix:///var/run/docker.sock`, `tcp://host:2376`. */
  readonly endpoint: string;

  version(): Promise<EngineVersion>;

  listContainers(options?: ListContainersOptions): Promise<ContainerSummary[]>;
  /** Undefined when there is no such container. */
  inspectContainer(idOrName: string): Promise<ContainerDetails | undefined>;
  /** Creates (does not start) a container; returns its id. */
  createContainer(options: ContainerCreateOptions): Promise<string>;
  /** Extracts a tar archive into the container's filesystem at `dir`; works on a container that never started. */
  putArchive(id: string, dir: string, tar: Buffer): Promise<void>;
  /** Succeeds when the container already runs. */
  startContainer(id: string): Promise<void>;
  /** SIGTERM (or the container's stop signal), SIGKILL after `timeoutSeconds` (default: the container's own, else 10). Succeeds when already stopped. */
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>;
  restartContainer(id: string, timeoutSeconds?: number): Promise<void>;
  pauseContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  renameContainer(id: string, newName: string): Promise<void>;
  /** `volumes`: also remove the container's anonymous volumes. */
  removeContainer(id: string, options?: { readonly force?: boolean; readonly volumes?: boolean }): Promise<void>;
  /** Resolves when the container stops (`not-running`, the default), with its exit code. */
  waitContainer(id: string, condition?: "not-running" | "next-exit" | "removed"): Promise<WaitResult>;
  containerLogs(id: string, options?: LogsOptions): Promise<LogStream>;
  /** Runs a command in a running container, waits for it, returns its exit code and output. */
  exec(id: string, command: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts a command in a running container with its streams attached (`docker exec -it`). */
  execAttached(id: string, command: readonly string[], options?: AttachOptions): Promise<Attached>;
  /** Attaches to a container's stdin and output; before its start, nothing it prints is missed. `tty` must match the container's. */
  attachContainer(id: string, options?: { readonly stdin?: boolean; readonly tty?: boolean }): Promise<Attached>;
  /** Sends a signal to the container's main process (default SIGKILL). */
  killContainer(id: string, signal?: string): Promise<void>;
  /** The engine's events as they happen (an object-mode stream of {@link EngineEvent}s); destroy it to stop. */
  events(options?: EventsOptions): Promise<Readable & AsyncIterable<EngineEvent>>;
  /** The processes running in a container (`docker top`); `psArgs` as `ps` takes them (default `-ef`). */
  topContainer(id: string, psArgs?: string): Promise<ProcessList>;
  /** A tar archive of `path` in the container (its root entry named after the path's last part); undefined when there is no such path. */
  getArchive(id: string, path: string): Promise<NodeJS.ReadableStream | undefined>;

  listNetworks(options?: ListOptions): Promise<NetworkSummary[]>;
  /** Returns the network's id. */
  createNetwork(options: NetworkCreateOptions): Promise<string>;
  removeNetwork(idOrName: string): Promise<void>;
  connectNetwork(network: string, container: string, endpoint?: EndpointSettings): Promise<void>;
  /**
   * `force` also removes an endpoint whose container is gone, by the endpoint's name (Docker 20.10
   * can keep such a stale endpoint, and then refuses to remove the network).
   */
  disconnectNetwork(network: string, container: string, force?: boolean): Promise<void>;
  /** The network's endpoints as the engine reports them; undefined when there is no such network. */
  networkEndpoints(network: string): Promise<NetworkEndpoint[] | undefined>;

  listVolumes(options?: ListOptions): Promise<VolumeSummary[]>;
  createVolume(options: VolumeCreateOptions): Promise<VolumeSummary>;
  removeVolume(name: string, force?: boolean): Promise<void>;

  /** Undefined when the image is not present locally. */
  inspectImage(reference: string): Promise<ImageDetails | undefined>;
  /** `references`: only images matching these (`nginx:1.27`, `nginx`); any may match. */
  listImages(options?: { readonly references?: readonly string[] }): Promise<ImageSummary[]>;
  /** Resolves when the pull completes; rejects with the registry's error. */
  pullImage(reference: string, options?: PullOptions): Promise<void>;
  /** Sends `contextDir` (honouring its `.dockerignore`) to the engine's builder. */
  buildImage(contextDir: string, options?: BuildOptions): Promise<BuildResult>;
  /** Resolves when the push completes; rejects with the registry's error (`unauthorized: …`). */
  pushImage(reference: string, options?: PushOptions): Promise<void>;

  /** Swarm (`docker swarm`, `docker stack`): undefined when the engine is not part of a swarm. */
  inspectSwarm(): Promise<SwarmInfo | undefined>;
  /** `docker swarm init`; returns the node id. */
  initSwarm(options: SwarmInitOptions): Promise<string>;
  listNodes(): Promise<SwarmNode[]>;
  listServices(options?: { readonly labels?: LabelFilter }): Promise<SwarmService[]>;
  inspectService(idOrName: string): Promise<SwarmService | undefined>;
  /** Returns the service's id. */
  /** `registryAuth`: credentials the nodes pull the service's image with (`docker service create --with-registry-auth`). */
  createService(spec: SwarmServiceSpec, registryAuth?: PullOptions["auth"]): Promise<string>;
  /** Replaces the spec read at `version` (never a blind overwrite); returns the engine's warnings. */
  updateService(id: string, version: number, spec: SwarmServiceSpec, registryAuth?: PullOptions["auth"]): Promise<readonly string[]>;
  removeService(id: string): Promise<void>;
  /** Tasks of these services (ids or names), every task when absent. */
  listTasks(options?: { readonly services?: readonly string[]; readonly labels?: LabelFilter }): Promise<SwarmTask[]>;
  listSecrets(options?: { readonly labels?: LabelFilter }): Promise<SwarmFileObject[]>;
  createSecret(spec: SwarmSecretSpecBody): Promise<string>;
  removeSecret(id: string): Promise<void>;
  listConfigs(options?: { readonly labels?: LabelFilter }): Promise<SwarmFileObject[]>;
  createConfig(spec: SwarmConfigSpecBody): Promise<string>;
  removeConfig(id: string): Promise<void>;
  /** `docker tag source repo:tag`. */
  tagImage(source: string, repo: string, tag: string): Promise<void>;
}
