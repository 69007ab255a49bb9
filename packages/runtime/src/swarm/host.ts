/**
 * The host settings (sysctls, ulimits, groups, DNS, logging, isolation) that a Swarm service spec
 * has a field for on API 1.41, parsed as on the compose target (compose/extra-keys.ts). Those it
 * has none for are warned about and left out (diagnostics.ts). The same settings given in `extra`
 * are read as their typed props ({@link withExtraHostSettings}), as the compose target reads them.
 */
import type { JsonValue, ServiceSpec } from "@berth/dsl";
import { EXTRA_KEYS, extraValueProblem, hostValue } from "../compose/extra-keys";
import { compact } from "../synth/util";

type Body = Record<string, unknown>;

const some = <T extends object>(x: T): T | undefined => (Object.keys(x).length ? x : undefined);

/** The ContainerSpec fields. */
export function containerHost(s: ServiceSpec): Body {
  return compact({
    Sysctls: hostValue(s, "sysctls"),
    Ulimits: hostValue(s, "ulimits"),
    Groups: hostValue(s, "group_add"),
    Isolation: hostValue(s, "isolation"),
    DNSConfig: some(compact({ Nameservers: s.dns?.length ? [...s.dns] : undefined, Search: hostValue(s, "dns_search"), Options: hostValue(s, "dns_opt") })),
  });
}

/** The TaskTemplate's LogDriver. */
export function logDriver(s: ServiceSpec): Body | undefined {
  const l = hostValue(s, "logging") as { Type: string; Config: Record<string, string> } | undefined;
  return l && compact({ Name: l.Type, Options: some(l.Config) });
}

/**
 * `s` with the host settings of its `extra` moved onto their typed props (the DSL refuses an
 * `extra` key that shadows one), so that Swarm maps, warns about or refuses them exactly as it
 * does the typed props. A key nobody maps, or a value that cannot be applied, stays in `extra`,
 * where the plan refuses it at the service's line.
 */
export function withExtraHostSettings(s: ServiceSpec): ServiceSpec {
  if (!s.extra) return s;
  const extra: Record<string, JsonValue> = {};
  const typed: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(s.extra)) {
    if (EXTRA_KEYS[key] && extraValueProblem(key, value) === undefined) typed[EXTRA_KEYS[key].prop] = value;
    else extra[key] = value;
  }
  return { ...s, ...typed, extra: Object.keys(extra).length ? extra : undefined };
}
