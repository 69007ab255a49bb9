/**
 * The host settings (sysctls, shm_size, ulimits, logging, …) → their typed props, each value in
 * compose's own shape as the prop's type allows it (so synth writes back what the file said); a
 * form the type cannot say stays in `extra`, verbatim.
 */
import { parseBytes } from "@berth/dsl";
import { EXTRA_KEYS } from "../compose/extra-keys";
import { isObj } from "./keys";
import type { Expr } from "./model";
import { isString, isStringList, type Mapped, UNMODELED } from "./values";

type Guard = (v: unknown) => boolean;

const scalar = (v: unknown): v is string | number => typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
const text: Guard = (v) => typeof v === "string" && v !== "";
const integer: Guard = (v) => typeof v === "number" && Number.isInteger(v);
const bytes: Guard = (v) => scalar(v) && parseBytes(v) !== undefined;
const record =
  (value: Guard): Guard =>
  (v) =>
    isObj(v) && Object.values(v).every(value);
const stringOrList: Guard = (v) => isString(v) || isStringList(v);

function ulimit(v: unknown): boolean {
  return integer(v) || (isObj(v) && Object.keys(v).sort().join() === "hard,soft" && integer(v.soft) && integer(v.hard));
}

function logging(v: unknown): boolean {
  return (
    isObj(v) &&
    Object.keys(v).every((k) => k === "driver" || k === "options") &&
    (v.driver === undefined || isString(v.driver)) &&
    (v.options === undefined || record(scalar)(v.options))
  );
}

/** What each key's typed prop can say. */
const FITS: Readonly<Record<keyof typeof EXTRA_KEYS & string, Guard>> = {
  sysctls: (v) => record(scalar)(v) || (isStringList(v) && v.every((s) => s.indexOf("=") > 0)),
  shm_size: bytes,
  security_opt: isStringList,
  tmpfs: stringOrList,
  ulimits: record(ulimit),
  devices: isStringList,
  device_cgroup_rules: isStringList,
  pid: text,
  ipc: text,
  uts: text,
  userns_mode: text,
  cgroup: (v) => v === "host" || v === "private",
  cgroup_parent: text,
  group_add: (v) => Array.isArray(v) && v.every(scalar),
  mem_limit: bytes,
  memswap_limit: (v) => v === -1 || bytes(v),
  mem_reservation: bytes,
  mem_swappiness: (v) => integer(v) && (v as number) >= 0 && (v as number) <= 100,
  oom_kill_disable: (v) => typeof v === "boolean",
  oom_score_adj: (v) => integer(v) && Math.abs(v as number) <= 1000,
  pids_limit: (v) => integer(v) && (v as number) >= -1,
  cpus: (v) => (typeof v === "number" && v >= 0) || (typeof v === "string" && /^\d+(\.\d+)?$/.test(v.trim())),
  cpu_shares: (v) => integer(v) && (v as number) >= 0,
  cpu_quota: (v) => integer(v) && (v as number) >= -1,
  cpu_period: (v) => integer(v) && (v as number) >= 0,
  cpuset: text,
  storage_opt: record(isString),
  runtime: text,
  isolation: text,
  dns_search: stringOrList,
  dns_opt: isStringList,
  logging,
  domainname: text,
  mac_address: text,
};

/** Compose key → [DSL prop, mapper], for the host settings. */
export const HOST_MAPPERS: Readonly<Record<string, readonly [string, (v: unknown) => Mapped]>> = Object.fromEntries(
  Object.entries(EXTRA_KEYS).map(([key, { prop }]) => [key, [prop, (v: unknown) => (FITS[key]?.(v) ? (v as Expr) : UNMODELED)]]),
);
