/**
 * HostSettings props → the graph: copied as written (compose's shapes, so synth writes them back
 * unchanged), after the checks their types cannot make (a byte size that parses, an integer in
 * range, `key=value` entries), each reported at the prop's path.
 */
import type { HostSettings } from "../host-props";
import type { SynthContext } from "./member";
import { toJson } from "./records";
import { BYTES_EXPECTED, CPUS_EXPECTED, normalizeCpus, parseBytes } from "./units";

type Check = (value: never) => string | undefined;

const bytes: Check = (v: string | number) => (parseBytes(v) === undefined ? `expected ${BYTES_EXPECTED}` : undefined);

const integer =
  (min = -Infinity, max = Infinity): Check =>
  (v: number) =>
    Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `expected an integer${min > -Infinity ? ` from ${min}` : ""}${max < Infinity ? ` to ${max}` : ""}`;

const nonEmpty: Check = (v: string) => (v === "" ? "expected a non-empty string" : undefined);

function keyValues(v: Readonly<Record<string, string | number>> | readonly string[]): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const bad = (v as readonly string[]).find((item) => item.indexOf("=") <= 0);
  return bad === undefined ? undefined : `expected "key=value" entries, got ${JSON.stringify(bad)}`;
}

function ulimits(v: HostSettings["ulimits"] & object): string | undefined {
  for (const [name, limit] of Object.entries(v)) {
    const [soft, hard] = typeof limit === "number" ? [limit, limit] : [limit.soft, limit.hard];
    if (!Number.isInteger(soft) || !Number.isInteger(hard)) return `${name}: expected integer limits`;
    if (soft > hard && hard !== -1) return `${name}: the soft limit ${soft} is above the hard limit ${hard}`;
  }
  return undefined;
}

/** The checks of each prop beyond its type (the props schema checked the type). */
const CHECKS: { readonly [K in keyof HostSettings]-?: Check | null } = {
  sysctls: keyValues,
  shmSize: bytes,
  securityOpt: null,
  tmpfs: null,
  ulimits,
  devices: null,
  deviceCgroupRules: null,
  pid: nonEmpty,
  ipc: nonEmpty,
  uts: nonEmpty,
  usernsMode: nonEmpty,
  cgroup: null,
  cgroupParent: nonEmpty,
  groupAdd: null,
  memLimit: bytes,
  memswapLimit: (v: string | number) => (v === -1 || v === "-1" ? undefined : bytes(v as never)),
  memReservation: bytes,
  memSwappiness: integer(0, 100),
  oomKillDisable: null,
  oomScoreAdj: integer(-1000, 1000),
  pidsLimit: integer(-1),
  cpus: (v: string | number) => (normalizeCpus(v) === undefined ? `expected ${CPUS_EXPECTED}` : undefined),
  cpuShares: integer(0),
  cpuQuota: integer(-1),
  cpuPeriod: integer(0),
  cpuset: nonEmpty,
  storageOpt: null,
  runtime: nonEmpty,
  isolation: nonEmpty,
  dnsSearch: null,
  dnsOpt: null,
  logging: null,
  domainname: nonEmpty,
  macAddress: nonEmpty,
};

/** The names of the {@link HostSettings} props, in the order synth writes them. */
export const HOST_SETTINGS = Object.keys(CHECKS) as readonly (keyof HostSettings)[];

/** The settings the props set, copied; a value that fails its check is reported and left out. */
export function hostSettings(props: HostSettings, ctx: SynthContext): HostSettings {
  const out: Record<string, unknown> = {};
  for (const key of HOST_SETTINGS) {
    const value = props[key];
    if (value === undefined) continue;
    const problem = CHECKS[key]?.(value as never);
    if (problem) ctx.report(problem, key, toJson(value));
    else out[key] = toJson(value);
  }
  return out as HostSettings;
}
