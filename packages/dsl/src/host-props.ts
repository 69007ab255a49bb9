/**
 * The typed props for a service's kernel, resource, namespace, DNS and logging settings: the
 * compose keys (`sysctls`, `shm_size`, `ulimits`, …) in camelCase, each value in compose's own
 * shape, so that an imported file says what it said and synth writes the same key back. The
 * graph keeps them as written ({@link HostSettings}); each later stage parses them one way.
 */
import type { ByteSize } from "./service-props";

/** A limit: one number (soft = hard) or both. */
export interface UlimitProps {
  /** The soft limit (what the process gets; it may raise it up to `hard`). */
  readonly soft: number;
  /** The hard limit. */
  readonly hard: number;
}

/** Where the container's logs go (compose `logging`). */
export interface LoggingProps {
  /** Logging driver, e.g. `"json-file"`, `"local"`, `"none"`. @default the engine's ("json-file") */
  readonly driver?: string;
  /** Driver options, e.g. `{ "max-size": "10m" }`. @default {} */
  readonly options?: Readonly<Record<string, string | number>>;
}

/** Kernel, resource, namespace, DNS and logging settings of a service's containers. */
export interface HostSettings {
  /** Kernel parameters (compose `sysctls`): `{ "net.core.somaxconn": 1024 }` or `["net.core.somaxconn=1024"]`. @default none */
  readonly sysctls?: Readonly<Record<string, string | number>> | readonly string[];
  /** Size of `/dev/shm` (compose `shm_size`). @default the engine's (64 MiB) */
  readonly shmSize?: ByteSize;
  /** Security options (compose `security_opt`), e.g. `["no-new-privileges:true"]`. @default [] */
  readonly securityOpt?: readonly string[];
  /** tmpfs mounts in compose's short form (compose `tmpfs`): `"/run"` or `["/run:size=64m"]`. @default none */
  readonly tmpfs?: string | readonly string[];
  /** Resource limits (compose `ulimits`): `{ nofile: { soft: 1024, hard: 4096 }, nproc: 512 }`. @default the engine's */
  readonly ulimits?: Readonly<Record<string, number | UlimitProps>>;
  /** Host devices (compose `devices`): `"/dev/fuse"`, `"/dev/sda:/dev/xvda:rwm"`. @default [] */
  readonly devices?: readonly string[];
  /** Device cgroup rules (compose `device_cgroup_rules`), e.g. `["c 1:3 mr"]`. @default [] */
  readonly deviceCgroupRules?: readonly string[];
  /** PID namespace (compose `pid`): `"host"`. @default a private one */
  readonly pid?: string;
  /** IPC namespace (compose `ipc`): `"host"`, `"shareable"`, `"private"`. @default the engine's */
  readonly ipc?: string;
  /** UTS namespace (compose `uts`): `"host"`. @default a private one */
  readonly uts?: string;
  /** User namespace mode (compose `userns_mode`): `"host"`. @default the engine's */
  readonly usernsMode?: string;
  /** Cgroup namespace (compose `cgroup`). @default the engine's */
  readonly cgroup?: "host" | "private";
  /** Parent cgroup (compose `cgroup_parent`). @default the engine's */
  readonly cgroupParent?: string;
  /** Extra groups of the container's user (compose `group_add`): names or ids. @default [] */
  readonly groupAdd?: readonly (string | number)[];
  /** Memory limit (compose `mem_limit`). @default no limit */
  readonly memLimit?: ByteSize;
  /** Memory plus swap limit (compose `memswap_limit`); `-1` is unlimited swap. @default twice memLimit */
  readonly memswapLimit?: ByteSize;
  /** Memory soft limit (compose `mem_reservation`). @default none */
  readonly memReservation?: ByteSize;
  /** Swappiness 0–100 (compose `mem_swappiness`). @default the host's */
  readonly memSwappiness?: number;
  /** Do not kill the container when it runs out of memory (compose `oom_kill_disable`). @default false */
  readonly oomKillDisable?: boolean;
  /** OOM killer preference, -1000–1000 (compose `oom_score_adj`). @default 0 */
  readonly oomScoreAdj?: number;
  /** Maximum number of processes; `-1` is unlimited (compose `pids_limit`). @default no limit */
  readonly pidsLimit?: number;
  /** CPUs the container may use (compose `cpus`): `0.5`, `"1.5"`. @default no limit */
  readonly cpus?: number | string;
  /** Relative CPU weight (compose `cpu_shares`). @default 1024 */
  readonly cpuShares?: number;
  /** CFS quota in microseconds per period (compose `cpu_quota`). @default no quota */
  readonly cpuQuota?: number;
  /** CFS period in microseconds (compose `cpu_period`). @default 100000 */
  readonly cpuPeriod?: number;
  /** CPUs the container may run on (compose `cpuset`): `"0-3"`, `"0,1"`. @default all */
  readonly cpuset?: string;
  /** Storage driver options (compose `storage_opt`), e.g. `{ size: "20G" }`. @default {} */
  readonly storageOpt?: Readonly<Record<string, string>>;
  /** OCI runtime (compose `runtime`), e.g. `"runc"`. @default the engine's */
  readonly runtime?: string;
  /** Isolation technology (compose `isolation`): `"default"`, `"process"`, `"hyperv"` (Windows). @default the engine's */
  readonly isolation?: string;
  /** DNS search domains (compose `dns_search`). @default the engine's */
  readonly dnsSearch?: string | readonly string[];
  /** DNS resolver options (compose `dns_opt`), e.g. `["ndots:2"]`. @default the engine's */
  readonly dnsOpt?: readonly string[];
  /** Where the logs go (compose `logging`). @default the engine's driver */
  readonly logging?: LoggingProps;
  /** NIS domain name (compose `domainname`). @default none */
  readonly domainname?: string;
  /** MAC address (compose `mac_address`). @default assigned by the engine */
  readonly macAddress?: string;
}
