/**
 * observe: the engine → one {@link Observed} snapshot of a project, the only input of `plan()`
 * besides the graph.
 *
 * Identity is by compose's labels, never by name: a container made by `docker compose` v2
 * (`blog-web-1`), by Debian's docker-compose 1.29 (`blog_web_1`) or by Berth is the service its
 * labels say. Cost is bounded and predictable: one list call per kind (containers, networks,
 * volumes, filtered by the project label), plus, only when the graph needs names the project
 * does not already own, one name-filtered list per kind to find foreign objects holding them,
 * and one image list for the graph's images. No per-object inspect.
 */
import type { DesiredState } from "../desired/resolve";
import type { ContainerSummary, Engine, ImageSummary, NetworkSummary, VolumeSummary } from "../engine";
import { familiarImageReference, normalizeImageReference } from "../engine/references";
import { containerName, unscopedName } from "../internal/names";
import { byName, compareStrings as cmp, sortedStrings } from "../internal/sort";
import { Labels } from "../labels";
import type { ForeignContainer, Observed, ObservedContainer, ObservedNetwork, ObservedQuery, ObservedVolume } from "./observed";

/** The engine calls observe makes: a fake in tests needs only these. */
export type ObserveEngine = Pick<Engine, "endpoint" | "listContainers" | "listNetworks" | "listVolumes" | "listImages">;

/**
 * The project's snapshot. `query` names what the stack needs beyond the project's own objects
 * (names a foreign object may hold, images): see {@link queryOf}. Without one, only the
 * project's own objects are listed (destroy, day-2 verbs).
 */
export async function observe(engine: ObserveEngine, project: string, query: ObservedQuery = queryOf(undefined)): Promise<Observed> {
  const mine = { labels: { [Labels.project]: project } };
  const [containerRows, networkRows, volumeRows] = await Promise.all([
    engine.listContainers({ ...mine, all: true }),
    engine.listNetworks(mine),
    engine.listVolumes(mine),
  ]);
  const containers = containerRows.map(toObservedContainer).sort(byServiceNumber);
  const networks = networkRows.map((n) => toObservedNetwork(n, project)).sort(byName);
  const volumes = volumeRows.map((v) => toObservedVolume(v, project)).sort(byName);

  const wanted = query;
  const missing = (names: readonly string[], owned: readonly { name: string }[]) => {
    const have = new Set(owned.map((o) => o.name));
    return names.filter((n) => !have.has(n));
  };
  const [foreignContainers, foreignNetworks, foreignVolumes, images] = await Promise.all([
    lookup(missing(wanted.containers, containers), (names) => engine.listContainers({ all: true, names })),
    lookup(missing(wanted.networks, networks), (names) => engine.listNetworks({ names })),
    lookup(missing(wanted.volumes, volumes), (names) => engine.listVolumes({ names })),
    // The engine's reference filter only matches the short form (`nginx:1.27`, not `docker.io/library/nginx:1.27`).
    lookup(wanted.images, (refs) => engine.listImages({ references: [...new Set(refs.map(familiarImageReference))].sort(cmp) })),
  ]);

  return {
    project,
    endpoint: engine.endpoint,
    containers,
    networks,
    volumes,
    // A label-filtered list already returned everything of ours: whatever else holds a name is foreign.
    foreign: foreignContainers
      .filter((c) => c.labels[Labels.project] !== project)
      .map(toForeign)
      .sort(byName),
    foreignNetworks: foreignNetworks
      .filter((n) => n.labels[Labels.project] !== project)
      .map((n) => n.name)
      .sort(cmp),
    foreignVolumes: foreignVolumes
      .filter((v) => v.labels[Labels.project] !== project)
      .map((v) => v.name)
      .sort(cmp),
    images: imageIds(wanted.images, images),
    query,
  };
}

async function lookup<T>(names: readonly string[], list: (names: readonly string[]) => Promise<T[]>): Promise<T[]> {
  return names.length ? list(names) : [];
}

/** The engine names and image references the stack will ask for, as compose v2 makes them. */
export function queryOf(desired: DesiredState | undefined): ObservedQuery {
  if (!desired) return { containers: [], networks: [], volumes: [], images: [] };
  const containers = new Set<string>();
  const networks = new Set<string>();
  const images = new Set<string>();
  for (const svc of Object.values(desired.services)) {
    const replicas = svc.resolved.containerName ? 1 : Math.max(1, svc.replicas);
    for (let n = 1; n <= replicas; n++) containers.add(containerName(desired.project, svc.name, n, svc.resolved.containerName));
    images.add(svc.image);
  }
  for (const n of Object.values(desired.networks)) if (!n.external) networks.add(n.engineName);
  const volumes = Object.values(desired.volumes)
    .filter((v) => !v.external)
    .map((v) => v.engineName);
  return { containers: sortedStrings(containers), networks: sortedStrings(networks), volumes: sortedStrings(volumes), images: sortedStrings(images) };
}

/**
 * What a plan depended on, one digest per object, for a saved plan to check before it runs:
 * a container's id, state, config hash and image; a network's id; a volume's presence; the
 * foreign objects holding names the stack needs; the local images' ids.
 */
export function fingerprintOf(o: Observed): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of o.containers)
    out[`container ${c.name}`] =
      `id:${c.id.slice(0, 12)} state:${c.state} config:${(c.labels[Labels.configHash] ?? "-").slice(0, 12)} image:${c.imageId.replace(/^sha256:/, "").slice(0, 12)}`;
  for (const n of o.networks) out[`network ${n.name}`] = `id:${n.id.slice(0, 12)}`;
  for (const v of o.volumes) out[`volume ${v.name}`] = "present";
  for (const f of o.foreign) out[`container ${f.name} (not the project's)`] = `id:${f.id.slice(0, 12)}`;
  for (const n of o.foreignNetworks) out[`network ${n} (not the project's)`] = "present";
  for (const v of o.foreignVolumes) out[`volume ${v} (not the project's)`] = "present";
  for (const [ref, id] of Object.entries(o.images)) out[`image ${ref}`] = `id:${id.replace(/^sha256:/, "").slice(0, 12)}`;
  return out;
}

/** Each wanted reference → the id of the local image it resolves to; references not present are left out. */
export function imageIds(references: readonly string[], images: readonly ImageSummary[]): Record<string, string> {
  const byRef = new Map<string, string>();
  for (const img of images) {
    for (const ref of [...img.repoTags, ...img.repoDigests]) byRef.set(normalizeImageReference(ref), img.id);
  }
  const out: Record<string, string> = {};
  for (const ref of [...references].sort(cmp)) {
    const norm = normalizeImageReference(ref);
    // `name:tag@sha256:…` pins the digest: the engine keeps it as `name@sha256:…`.
    const id =
      byRef.get(norm) ?? byRef.get(norm.replace(/:[^/@:]+@/, "@")) ?? (/^sha256:[0-9a-f]{64}$/.test(ref) ? images.find((i) => i.id === ref)?.id : undefined);
    if (id) out[ref] = id;
  }
  return out;
}

/** The engine-named (anonymous) volumes the container mounts: the engine names them with 64 hex digits. */
export function anonymousVolumes(c: ObservedContainer): string[] {
  return Object.values(c.volumeMounts ?? {}).filter((name) => /^[0-9a-f]{64}$/.test(name));
}

export function toObservedContainer(c: ContainerSummary): ObservedContainer {
  const number = Number.parseInt(c.labels[Labels.containerNumber] ?? "", 10);
  return {
    id: c.id,
    name: c.name,
    service: c.labels[Labels.service] ?? "",
    number: Number.isFinite(number) && number > 0 ? number : 1,
    oneoff: c.labels[Labels.oneoff] === "True",
    state: c.state,
    status: c.status,
    ...(c.health ? { health: c.health } : {}),
    image: c.image,
    imageId: c.imageId,
    labels: c.labels,
    networks: c.networks,
    ...(c.volumeMounts ? { volumeMounts: c.volumeMounts } : {}),
  };
}

function toObservedNetwork(n: NetworkSummary, project: string): ObservedNetwork {
  return { id: n.id, name: n.name, logicalName: n.labels[Labels.network] ?? unscopedName(project, n.name), driver: n.driver, labels: n.labels };
}

function toObservedVolume(v: VolumeSummary, project: string): ObservedVolume {
  return { name: v.name, logicalName: v.labels[Labels.volume] ?? unscopedName(project, v.name), driver: v.driver, labels: v.labels };
}

function toForeign(c: ContainerSummary): ForeignContainer {
  const owner = c.labels[Labels.project];
  return { id: c.id, name: c.name, ...(owner ? { project: owner } : {}) };
}

/** Service, then replica number, then one-off last, then name and id: a total order. */
function byServiceNumber(a: ObservedContainer, b: ObservedContainer): number {
  return cmp(a.service, b.service) || a.number - b.number || Number(a.oneoff) - Number(b.oneoff) || cmp(a.name, b.name) || cmp(a.id, b.id);
}
