/**
 * The property names the compose specification allows at each place of a compose file,
 * copied from `shared/compose-spec/compose-spec.json` (the CLI must not read `shared/` at run
 * time). `test/import-keys.test.ts` derives the same lists from the schema and fails when they
 * drift: update this file from its output.
 */

export const KNOWN_KEYS = {
  top: ["version", "name", "include", "services", "models", "networks", "volumes", "secrets", "configs"],
  service: ["develop", "deploy", "annotations", "attach", "build", "blkio_config", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent", "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset", "credential_spec", "depends_on", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file", "label_file", "environment", "expose", "extends", "provider", "external_links", "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "network_mode", "models", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start", "pre_stop", "privileged", "profiles", "pull_policy", "pull_refresh_after", "read_only", "restart", "runtime", "scale", "security_opt", "shm_size", "secrets", "sysctls", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "tmpfs", "tty", "ulimits", "use_api_socket", "user", "uts", "userns_mode", "volumes", "volumes_from", "working_dir"],
  build: ["context", "dockerfile", "dockerfile_inline", "entitlements", "args", "ssh", "labels", "cache_from", "cache_to", "no_cache", "additional_contexts", "network", "provenance", "sbom", "pull", "target", "shm_size", "extra_hosts", "isolation", "privileged", "secrets", "tags", "ulimits", "platforms"],
  healthcheck: ["disable", "interval", "retries", "test", "timeout", "start_period", "start_interval"],
  deploy: ["mode", "endpoint_mode", "replicas", "labels", "rollback_config", "update_config", "resources", "restart_policy", "placement"],
  port: ["name", "mode", "host_ip", "target", "published", "protocol", "app_protocol"],
  mount: ["type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs", "image"],
  dependsOn: ["restart", "required", "condition"],
  network: ["name", "driver", "driver_opts", "ipam", "external", "internal", "enable_ipv4", "enable_ipv6", "attachable", "labels"],
  volume: ["name", "driver", "driver_opts", "external", "labels"],
  secret: ["name", "environment", "file", "external", "labels", "driver", "driver_opts", "template_driver"],
  config: ["name", "content", "environment", "file", "external", "labels", "template_driver"],
} as const satisfies Record<string, readonly string[]>;

/** Where a set of keys applies. */
export type KeyPlace = keyof typeof KNOWN_KEYS;
