/**
 * What runs on the engine for one project: the single snapshot a plan is computed from.
 * Produced by `observe()` (one list call per kind), consumed by the pure `plan()`.
 * Plain data, sorted deterministically (containers by service then number, others by name).
 */

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export interface ObservedContainer {
  readonly id: string;
  /** Engine name without the leading slash, e.g. `blog-web-1`. */
  readonly name: string;
  /** From `com.docker.compose.service`. */
  readonly service: string;
  /** From `com.docker.compose.container-number` (1 when missing). */
  readonly number: number;
  /** From `com.docker.compose.oneoff` ("True" → true). */
  readonly oneoff: boolean;
  readonly state: ContainerState;
  /** The engine's human status, e.g. `Up 3 minutes (healthy)`. */
  readonly status: string;
  /** Health when the container has a healthcheck and is running. */
  readonly health?: "starting" | "healthy" | "unhealthy";
  /** Image reference the container was created with (`nginx:1.27`). */
  readonly image: string;
  /** Image id (`sha256:…`) the container runs. */
  readonly imageId: string;
  /** All labels, verbatim. */
  readonly labels: Readonly<Record<string, string>>;
  /** Engine network names the container is attached to, sorted. */
  readonly networks: readonly string[];
  /** Its volume mounts, container path → volume name: a recreate hands the anonymous ones on. Absent when none. */
  readonly volumeMounts?: Readonly<Record<string, string>>;
}

export interface ObservedNetwork {
  readonly id: string;
  /** Engine name, e.g. `blog_default`. */
  readonly name: string;
  /** From `com.docker.compose.network`. */
  readonly logicalName: string;
  readonly driver: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ObservedVolume {
  /** Engine name, e.g. `blog_pgdata`. */
  readonly name: string;
  /** From `com.docker.compose.volume`. */
  readonly logicalName: string;
  readonly driver: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A container that is not ours but holds a name we need. Berth never touches it. */
export interface ForeignContainer {
  readonly id: string;
  readonly name: string;
  /** Its compose project label, when it belongs to another project. */
  readonly project?: string;
}

export interface Observed {
  readonly project: string;
  /** Where the engine answers, e.g. `unix:///var/run/docker.sock`: shown in the preview header. */
  readonly endpoint: string;
  /** The project's containers, one-off (`run`) containers included. */
  readonly containers: readonly ObservedContainer[];
  /** The project's networks (by `com.docker.compose.project` label). */
  readonly networks: readonly ObservedNetwork[];
  /** The project's volumes (by label). */
  readonly volumes: readonly ObservedVolume[];
  /** Containers the project does not own whose names the graph needs (clashes). */
  readonly foreign: readonly ForeignContainer[];
  /** Engine networks and volumes of the same names that the project does not own (clashes). */
  readonly foreignNetworks: readonly string[];
  readonly foreignVolumes: readonly string[];
  /** Local image ids by reference, for the images the graph names (missing: not present locally). */
  readonly images: Readonly<Record<string, string>>;
  /** What observe looked for beyond the project's own objects (absent: nothing). */
  readonly query?: ObservedQuery;
}

/** The names the stack needs (a foreign object may hold them) and the images it runs: what observe looks up besides the project. */
export interface ObservedQuery {
  readonly containers: readonly string[];
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
  readonly images: readonly string[];
}
