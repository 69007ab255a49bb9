/** The Swarm part of the engine's types: nodes, services, tasks, secrets and configs, as Berth reads and writes them. */
import type Dockerode from "dockerode";

/** `GET /swarm`, reduced. */
export interface SwarmInfo {
  readonly id: string;
  readonly defaultAddrPool: readonly string[];
}

export interface SwarmInitOptions {
  /** `127.0.0.1` on a single test node. */
  readonly advertiseAddr: string;
  /** Default `0.0.0.0:2377`. */
  readonly listenAddr?: string;
  /** Subnets overlay networks are cut from (CIDRs). */
  readonly defaultAddrPool?: readonly string[];
  readonly subnetSize?: number;
}

export interface SwarmNode {
  readonly id: string;
  readonly hostname: string;
  /** `manager` or `worker`. */
  readonly role: string;
  readonly availability: string;
  /** `ready`, `down`, … */
  readonly state: string;
}

/** Body of `POST /services/create` and `/services/{id}/update`: the engine's own `ServiceSpec`. */
export type SwarmServiceSpec = Dockerode.ServiceSpec;

export interface SwarmService {
  readonly id: string;
  /** `<stack>_<service>`. */
  readonly name: string;
  /** `Version.Index`: updates must name it (the engine refuses an update made from an older read). */
  readonly version: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: SwarmServiceSpec;
  readonly previousSpec?: SwarmServiceSpec;
  /** `updating`, `paused`, `completed`, `rollback_started`, `rollback_paused`, `rollback_completed`. */
  readonly updateStatus?: { readonly state: string; readonly message: string; readonly startedAt?: string };
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Task states as the engine spells them. */
export type TaskState =
  | "new"
  | "allocated"
  | "pending"
  | "assigned"
  | "accepted"
  | "preparing"
  | "ready"
  | "starting"
  | "running"
  | "complete"
  | "shutdown"
  | "failed"
  | "rejected"
  | "remove"
  | "orphaned";

export interface SwarmTask {
  readonly id: string;
  readonly serviceId: string;
  readonly nodeId: string;
  /** Replica slot (1-based; 0 for global services). */
  readonly slot: number;
  readonly desiredState: TaskState;
  readonly state: TaskState;
  readonly message: string;
  /** The task's error (`task: non-zero exit (1)`), when it failed. */
  readonly error?: string;
  readonly exitCode?: number;
  readonly image: string;
  readonly createdAt: string;
  /** When the task reached its current state. */
  readonly timestamp: string;
}

/** A swarm secret or config, as listed (their data is never read back). */
export interface SwarmFileObject {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

/** Body of `POST /secrets/create`: `Data` is base64. */
export interface SwarmSecretSpecBody {
  readonly Name: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly Data: string;
}
export type SwarmConfigSpecBody = SwarmSecretSpecBody;
