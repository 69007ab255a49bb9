/**
 * The host settings (sysctls, ulimits, groups, DNS, logging, isolation) that a Swarm service spec
 * has a field for on API 1.41, parsed as on the compose target (compose/extra-keys.ts). Those it
 * has none for are warned about and left out (diagnostics.ts).
 */
import type { ServiceSpec } from "@berth/dsl";
import { hostValue } from "../compose/extra-keys";
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
