/**
 * Graph → what a picture of the stack draws: services grouped by component, the resources
 * they use, and the edges between them. Sorted everywhere, so every format is deterministic.
 */
import type { Graph, ServiceSpec } from "@berth/dsl";
import { compareStrings } from "../internal/sort";

export type ResourceKind = "network" | "volume" | "secret" | "config";

/** One box: a service or a resource, with a stable id usable in every format. */
export interface PictureNode {
  readonly id: string;
  readonly kind: "service" | ResourceKind;
  readonly name: string;
  /** A second line: the image (or "build: ./app") of a service, the kind of a resource. */
  readonly detail: string;
  /** Services only: the longest chain of dependencies below it (0: depends on nothing). */
  readonly depth: number;
}

/** The services of one component (or of the stack itself: `component` undefined). */
export interface PictureGroup {
  readonly component?: string;
  readonly services: readonly PictureNode[];
}

/** `from` depends on, mounts, joins or is granted `to`. */
export interface PictureEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: "depends" | "uses";
  /** The dependency's condition, when it is not "started". */
  readonly label?: string;
}

export interface Picture {
  readonly project: string;
  readonly groups: readonly PictureGroup[];
  readonly resources: readonly PictureNode[];
  readonly edges: readonly PictureEdge[];
}

const CONDITION_LABELS: Readonly<Record<string, string | undefined>> = { service_healthy: "healthy", service_completed_successfully: "completed" };

function depths(graph: Graph): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (name: string, seen: Set<string>): number => {
    const known = out.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0; // a cycle (validation rejects them): stop here
    seen.add(name);
    const deps = Object.keys(graph.services[name]?.dependsOn ?? {}).filter((d) => graph.services[d] !== undefined);
    const depth = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => visit(d, seen)));
    out.set(name, depth);
    return depth;
  };
  for (const name of Object.keys(graph.services)) visit(name, new Set());
  return out;
}

function detailOf(service: ServiceSpec): string {
  if (service.image !== undefined) return service.image;
  return service.build ? `build: ${service.build.context}` : "";
}

function usesOf(service: ServiceSpec): { kind: ResourceKind; name: string }[] {
  return [
    ...Object.keys(service.networks ?? {}).map((name) => ({ kind: "network" as const, name })),
    ...(service.volumes ?? []).flatMap((m) => (m.type === "volume" ? [{ kind: "volume" as const, name: m.source }] : [])),
    ...(service.secrets ?? []).map((g) => ({ kind: "secret" as const, name: g.source })),
    ...(service.configs ?? []).map((g) => ({ kind: "config" as const, name: g.source })),
  ];
}

const SECTIONS: readonly [ResourceKind, "networks" | "volumes" | "secrets" | "configs"][] = [
  ["network", "networks"],
  ["volume", "volumes"],
  ["secret", "secrets"],
  ["config", "configs"],
];

/** The picture of `graph`: node ids are `n0`, `n1`, … in drawing order. */
export function pictureOf(graph: Graph): Picture {
  const depth = depths(graph);
  const ids = new Map<string, string>();
  const idOf = (key: string) => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = `n${ids.size}`));
    return id;
  };
  const names = Object.keys(graph.services).sort(compareStrings);
  // The stack's own services first (sort() would put undefined last), then the components by name.
  const present = new Set(names.map((n) => graph.services[n].component));
  const named = [...present].filter((c): c is string => c !== undefined).sort(compareStrings);
  const components = present.has(undefined) ? [undefined, ...named] : named;
  const groups = components.map((component) => ({
    ...(component !== undefined ? { component } : {}),
    services: names
      .filter((n) => graph.services[n].component === component)
      .map((n) => ({ id: idOf(`service:${n}`), kind: "service" as const, name: n, detail: detailOf(graph.services[n]), depth: depth.get(n) ?? 0 })),
  }));
  const resources = SECTIONS.flatMap(([kind, section]) =>
    Object.keys(graph[section])
      .sort(compareStrings)
      .map((name) => ({ id: idOf(`${kind}:${name}`), kind, name, detail: kind, depth: 0 })),
  );
  const edges: PictureEdge[] = [];
  for (const n of names) {
    const service = graph.services[n];
    for (const [dep, spec] of Object.entries(service.dependsOn ?? {}).sort(([a], [b]) => compareStrings(a, b))) {
      if (!ids.has(`service:${dep}`)) continue;
      const label = CONDITION_LABELS[spec.condition];
      edges.push({ from: idOf(`service:${n}`), to: idOf(`service:${dep}`), kind: "depends", ...(label ? { label } : {}) });
    }
    const seen = new Set<string>();
    for (const use of usesOf(service)) {
      const key = `${use.kind}:${use.name}`;
      if (!ids.has(key) || seen.has(key)) continue;
      seen.add(key);
      edges.push({ from: idOf(`service:${n}`), to: idOf(key), kind: "uses" });
    }
  }
  return { project: graph.project, groups, resources, edges };
}
