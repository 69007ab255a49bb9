/**
 * Per-service commands (`dsl apply web worker`, `dsl stop db`): which services a command acts
 * on. Commands that bring services up act on the named ones and what they depend on (as
 * `docker compose up web` does); commands that take services down act on the named ones only,
 * and say which of their dependents are left.
 */
import { compareStrings } from "./internal/sort";
import type { Prepared } from "./deploy";
import { NoSuchServiceError, type DesiredService, type DesiredState } from "./desired/resolve";
import { Labels } from "./labels";
import type { ObservedContainer } from "./compose/observed";

/** The named services and, unless `deps` is false, every service they depend on, transitively; sorted. */
export function withDependencies(desired: DesiredState, names: readonly string[], options: { readonly deps?: boolean } = {}): string[] {
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    const svc = desired.services[name];
    if (!svc) throw new NoSuchServiceError(desired, name);
    out.add(name);
    if (options.deps !== false) for (const dep of Object.keys(svc.dependsOn)) visit(dep);
  };
  names.forEach(visit);
  return [...out].sort(compareStrings);
}

/**
 * The stack restricted to `services`: only their networks, volumes, secrets and configs, so
 * that resolving it builds and pulls only their images, and planning it creates only what they
 * use. Plan it with `services` too, so that the other services' containers are not orphans.
 */
export function onlyServices(stack: Prepared, services: readonly string[]): Prepared {
  const d = stack.desired;
  const picked = services.map((s) => d.services[s]).filter((s): s is DesiredService => s !== undefined);
  const networks = new Set(picked.flatMap((s) => Object.keys(s.resolved.networks ?? {})));
  const volumes = new Set(picked.flatMap((s) => (s.resolved.volumes ?? []).flatMap((m) => (m.type === "volume" ? [m.source] : []))));
  const secrets = new Set(picked.flatMap((s) => (s.resolved.secrets ?? []).map((g) => g.source)));
  const configs = new Set(picked.flatMap((s) => (s.resolved.configs ?? []).map((g) => g.source)));
  const pick = <T>(all: Readonly<Record<string, T>>, keep: Set<string>) => Object.fromEntries(Object.entries(all).filter(([k]) => keep.has(k)));
  const desired: DesiredState = {
    ...d,
    services: pick(d.services, new Set(services)),
    networks: pick(d.networks, networks),
    volumes: pick(d.volumes, volumes),
    secrets: pick(d.secrets, secrets),
    configs: pick(d.configs, configs),
  };
  return { ...stack, desired };
}

/**
 * `dsl apply --scale web=3`: the stack with these replica counts instead of its own, for this
 * apply only (the next apply without it goes back to the stack's, as compose does). Replicas are
 * not in the config hash: scaling adds or removes containers, it recreates none.
 */
export function scaled(stack: Prepared, scale: Readonly<Record<string, number>>): Prepared {
  const d = stack.desired;
  const services = { ...d.services };
  for (const [name, replicas] of Object.entries(scale)) {
    const svc = d.services[name];
    if (!svc) throw new NoSuchServiceError(d, name);
    services[name] = { ...svc, replicas };
  }
  return { ...stack, desired: { ...d, services } };
}

/** What a container's `depends_on` label names (`db:service_healthy:false,cache:service_started:false`). */
function labelledDeps(c: ObservedContainer): string[] {
  return (c.labels[Labels.dependsOn] ?? "")
    .split(",")
    .map((entry) => entry.split(":")[0])
    .filter(Boolean);
}

/**
 * The named services and every service they depend on, read from the containers' `depends_on`
 * labels (so that no stack is needed, as for `dsl start web -p blog`); each with its depth, 0 for
 * services that depend on none of the others: start them in that order.
 */
export function observedDependencies(containers: readonly ObservedContainer[], names: readonly string[]): Map<string, number> {
  const deps = new Map<string, string[]>();
  for (const c of containers) if (!c.oneoff && !deps.has(c.service)) deps.set(c.service, labelledDeps(c));
  const depth = new Map<string, number>();
  const visit = (name: string, path: readonly string[]): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (path.includes(name)) return 0;
    const below = (deps.get(name) ?? []).filter((d) => deps.has(d)).map((d) => visit(d, [...path, name]));
    const d = below.length ? Math.max(...below) + 1 : 0;
    depth.set(name, d);
    return d;
  };
  names.forEach((n) => visit(n, []));
  return depth;
}

/**
 * Services that depend on one of `services` (by the `depends_on` label compose and Berth write
 * on each container) and are not among them: what a per-service stop or destroy leaves behind.
 */
export function dependentsLeft(containers: readonly ObservedContainer[], services: readonly string[]): { service: string; dependsOn: string[] }[] {
  const named = new Set(services);
  const out = new Map<string, Set<string>>();
  for (const c of containers) {
    if (named.has(c.service) || c.oneoff) continue;
    const deps = labelledDeps(c).filter((dep) => named.has(dep));
    if (!deps.length) continue;
    const set = out.get(c.service) ?? new Set<string>();
    deps.forEach((dep) => set.add(dep));
    out.set(c.service, set);
  }
  return [...out].sort(([a], [b]) => compareStrings(a, b)).map(([service, deps]) => ({ service, dependsOn: [...deps].sort(compareStrings) }));
}
