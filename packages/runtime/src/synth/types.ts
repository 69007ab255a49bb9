/**
 * The compose file as plain data, before YAML: what {@link toComposeModel} returns.
 *
 * Keys are compose's own snake_case spelling. Object key order is the order the YAML is
 * written in, so it is part of the contract (see `compose.ts` for the order). Strings that
 * compose interpolates already have `$` escaped as `$$`. Keys from a spec's `extra` appear
 * verbatim, hence the open index signatures.
 */
import type { JsonValue } from "@berth/dsl";

export type ComposeMap = Readonly<Record<string, string>>;

export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks?: Readonly<Record<string, ComposeNetwork>>;
  readonly volumes?: Readonly<Record<string, ComposeVolume>>;
  readonly secrets?: Readonly<Record<string, ComposeSecret>>;
  readonly configs?: Readonly<Record<string, ComposeConfig>>;
}

/** Short port syntax (`"127.0.0.1:8080:80/tcp"`) or the long form when the short one cannot say it. */
export type ComposePort = string | ComposePortLong;
export interface ComposePortLong {
  readonly target: number;
  readonly host_ip?: string;
  readonly published?: number;
  readonly protocol: string;
  readonly mode?: string;
}

/** Short volume syntax (`"data:/var/lib/data:ro"`) or the long form. */
export type ComposeMount = string | ComposeMountLong;
export interface ComposeMountLong {
  readonly type: "volume" | "bind" | "tmpfs";
  readonly source?: string;
  readonly target: string;
  readonly read_only?: boolean;
  readonly bind?: { readonly create_host_path?: boolean };
  readonly volume?: { readonly nocopy?: boolean };
  readonly tmpfs?: { readonly size?: number };
}

export interface ComposeGrant {
  readonly source: string;
  readonly target?: string;
  readonly uid?: string;
  readonly gid?: string;
  readonly mode?: number;
}

export interface ComposeDependsOn {
  readonly condition: string;
  readonly restart?: boolean;
  readonly required?: boolean;
}

export interface ComposeHealthcheck {
  readonly test: readonly string[];
  readonly interval?: string;
  readonly timeout?: string;
  readonly retries?: number;
  readonly start_period?: string;
  readonly start_interval?: string;
  readonly disable?: boolean;
}

export interface ComposeBuild {
  readonly context: string;
  readonly dockerfile?: string;
  readonly args?: ComposeMap;
  readonly target?: string;
}

export interface ComposeServiceNetwork {
  readonly aliases?: readonly string[];
  readonly ipv4_address?: string;
  readonly ipv6_address?: string;
}

export interface ComposeResources {
  readonly cpus?: string;
  /** Bytes as a string with a binary unit when exact (`"512m"`): docker-compose 1.29 accepts only strings here. */
  readonly memory?: string;
  readonly pids?: number;
}

export interface ComposeUpdateConfig {
  readonly parallelism?: number;
  readonly delay?: string;
  readonly failure_action?: string;
  readonly monitor?: string;
  readonly max_failure_ratio?: number;
  readonly order?: string;
}

export interface ComposeDeploy {
  readonly mode?: string;
  readonly replicas?: number;
  readonly resources?: { readonly limits?: ComposeResources; readonly reservations?: ComposeResources };
  readonly labels?: ComposeMap;
  readonly restart_policy?: {
    readonly condition?: string;
    readonly delay?: string;
    readonly max_attempts?: number;
    readonly window?: string;
  };
  readonly update_config?: ComposeUpdateConfig;
  readonly rollback_config?: ComposeUpdateConfig;
  readonly placement?: {
    readonly constraints?: readonly string[];
    readonly preferences?: readonly { readonly spread: string }[];
    readonly max_replicas_per_node?: number;
  };
}

export interface ComposeServiceKeys {
  readonly image?: string;
  readonly build?: ComposeBuild;
  readonly pull_policy?: string;
  readonly container_name?: string;
  readonly hostname?: string;
  readonly command?: string | readonly string[];
  readonly entrypoint?: string | readonly string[];
  readonly working_dir?: string;
  readonly user?: string;
  readonly environment?: Readonly<Record<string, string | null>>;
  readonly env_file?: readonly string[];
  readonly ports?: readonly ComposePort[];
  readonly expose?: readonly number[];
  readonly volumes?: readonly ComposeMount[];
  readonly networks?: Readonly<Record<string, ComposeServiceNetwork>>;
  readonly network_mode?: string;
  readonly volumes_from?: readonly string[];
  readonly depends_on?: Readonly<Record<string, ComposeDependsOn>>;
  readonly healthcheck?: ComposeHealthcheck;
  readonly restart?: string;
  readonly labels?: ComposeMap;
  readonly init?: boolean;
  readonly tty?: boolean;
  readonly stdin_open?: boolean;
  readonly privileged?: boolean;
  readonly read_only?: boolean;
  readonly stop_signal?: string;
  readonly stop_grace_period?: string;
  readonly extra_hosts?: readonly string[];
  readonly dns?: readonly string[];
  readonly cap_add?: readonly string[];
  readonly cap_drop?: readonly string[];
  readonly secrets?: readonly (string | ComposeGrant)[];
  readonly configs?: readonly (string | ComposeGrant)[];
  readonly profiles?: readonly string[];
  readonly deploy?: ComposeDeploy;
  readonly develop?: { readonly watch: readonly ComposeWatchRule[] };
  readonly scale?: number;
}

export interface ComposeWatchRule {
  readonly path: string;
  readonly action: string;
  readonly target?: string;
  readonly ignore?: readonly string[];
  readonly include?: readonly string[];
  readonly exec?: {
    readonly command: string | readonly string[];
    readonly user?: string;
    readonly working_dir?: string;
    readonly environment?: ComposeMap;
    readonly privileged?: boolean;
  };
  readonly initial_sync?: boolean;
}

/** A service: the modeled keys, then any `extra` keys verbatim. */
export type ComposeService = ComposeServiceKeys & { readonly [key: string]: JsonValue | ComposeServiceKeys[keyof ComposeServiceKeys] };

export interface ComposeExternal {
  readonly external?: boolean;
  readonly name?: string;
}

export interface ComposeNetwork extends ComposeExternal {
  readonly driver?: string;
  readonly driver_opts?: ComposeMap;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly enable_ipv6?: boolean;
  readonly labels?: ComposeMap;
  readonly ipam?: {
    readonly driver?: string;
    readonly config?: readonly { readonly subnet?: string; readonly gateway?: string; readonly ip_range?: string }[];
  };
  readonly [key: string]: JsonValue | undefined | object;
}

export interface ComposeVolume extends ComposeExternal {
  readonly driver?: string;
  readonly driver_opts?: ComposeMap;
  readonly labels?: ComposeMap;
  readonly [key: string]: JsonValue | undefined | object;
}

export interface ComposeSecret extends ComposeExternal {
  readonly file?: string;
  readonly environment?: string;
  readonly labels?: ComposeMap;
}

export interface ComposeConfig extends ComposeSecret {
  readonly content?: string;
}
