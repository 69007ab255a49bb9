/**
 * Swarm operations of the Docker engine adapter: the swarm itself, nodes, services, tasks,
 * secrets and configs, plus image tagging (built images get a content tag for services).
 *
 * Every call goes through `client.request` (node's http, no dockerode load), with the engine's
 * own bodies, which are what the runtime builds.
 */
import type { Client } from "./client";
import { cmp, labelFilter } from "./convert";
import type {
  LabelFilter,
  SwarmConfigSpecBody,
  SwarmFileObject,
  SwarmInfo,
  SwarmInitOptions,
  SwarmNode,
  SwarmSecretSpecBody,
  SwarmService,
  SwarmServiceSpec,
  SwarmTask,
  TaskState,
} from "./types";

/** One API write; `query` goes in the URL, `body` as JSON. 304 (already so) answers undefined. */
async function send<T>(
  client: Client,
  operation: string,
  object: string | undefined,
  path: string,
  method: "POST" | "DELETE",
  body?: object,
  query?: Record<string, string | number>,
  registryAuth?: object,
): Promise<T> {
  return (await client.request<T>(operation, object, { method, path, body, query, ok: [304], ...(registryAuth ? { registryAuth } : {}) })) as T;
}

function filters(labels: LabelFilter | undefined, extra: Record<string, string[]> = {}): Record<string, string[]> {
  const f: Record<string, string[]> = { ...extra };
  const l = labelFilter(labels);
  if (l.length) f.label = l;
  return f;
}

interface RawSwarm {
  ID: string;
  Version?: { Index?: number };
  DefaultAddrPool?: string[];
}

/** Undefined when the engine is not part of a swarm (the API answers 503). */
export async function inspectSwarm(client: Client): Promise<SwarmInfo | undefined> {
  try {
    const s = await client.get<RawSwarm>("inspect swarm", "/swarm", {});
    return { id: s.ID, defaultAddrPool: s.DefaultAddrPool ?? [] };
  } catch (err) {
    const e = err as { statusCode?: number };
    if (e.statusCode === 503 || e.statusCode === 406) return undefined;
    throw err;
  }
}

export async function initSwarm(client: Client, options: SwarmInitOptions): Promise<string> {
  const body = {
    ListenAddr: options.listenAddr ?? "0.0.0.0:2377",
    AdvertiseAddr: options.advertiseAddr,
    ...(options.defaultAddrPool ? { DefaultAddrPool: [...options.defaultAddrPool], SubnetSize: options.subnetSize ?? 24 } : {}),
  };
  return send<string>(client, "init swarm", undefined, "/swarm/init", "POST", body);
}

interface RawNode {
  ID: string;
  Description?: { Hostname?: string };
  Spec?: { Role?: string; Availability?: string };
  Status?: { State?: string; Addr?: string };
}

export async function listNodes(client: Client): Promise<SwarmNode[]> {
  const rows = await client.get<RawNode[]>("list nodes", "/nodes", {});
  return rows
    .map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? "",
      role: n.Spec?.Role ?? "",
      availability: n.Spec?.Availability ?? "",
      state: n.Status?.State ?? "",
    }))
    .sort((a, b) => cmp(a.hostname, b.hostname) || cmp(a.id, b.id));
}

interface RawService {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec: SwarmServiceSpec;
  PreviousSpec?: SwarmServiceSpec;
  UpdateStatus?: { State?: string; Message?: string; StartedAt?: string; CompletedAt?: string };
}

function toService(s: RawService): SwarmService {
  return {
    id: s.ID,
    name: s.Spec.Name ?? "",
    version: s.Version?.Index ?? 0,
    labels: { ...(s.Spec.Labels ?? {}) },
    spec: s.Spec,
    ...(s.PreviousSpec ? { previousSpec: s.PreviousSpec } : {}),
    ...(s.UpdateStatus
      ? { updateStatus: { state: s.UpdateStatus.State ?? "", message: s.UpdateStatus.Message ?? "", startedAt: s.UpdateStatus.StartedAt } }
      : {}),
    createdAt: s.CreatedAt ?? "",
    updatedAt: s.UpdatedAt ?? "",
  };
}

export async function listServices(client: Client, options: { readonly labels?: LabelFilter } = {}): Promise<SwarmService[]> {
  const rows = await client.get<RawService[]>("list services", "/services", { filters: filters(options.labels) });
  return rows.map(toService).sort((a, b) => cmp(a.name, b.name));
}

export async function inspectService(client: Client, idOrName: string): Promise<SwarmService | undefined> {
  const s = await client.request<RawService>("inspect service", idOrName, { method: "GET", path: `/services/${encodeURIComponent(idOrName)}`, ok: [404] });
  return s && toService(s);
}

export async function createService(client: Client, spec: SwarmServiceSpec, registryAuth?: object): Promise<string> {
  const res = await send<{ ID: string }>(client, "create service", spec.Name, "/services/create", "POST", spec, undefined, registryAuth);
  return res.ID;
}

/** `version` is the index the spec was read at: the engine refuses the update when the service changed since. */
export async function updateService(client: Client, id: string, version: number, spec: SwarmServiceSpec, registryAuth?: object): Promise<readonly string[]> {
  const res = await send<{ Warnings?: string[] | null }>(
    client,
    "update service",
    spec.Name ?? id,
    `/services/${encodeURIComponent(id)}/update`,
    "POST",
    spec,
    { version },
    registryAuth,
  );
  return res?.Warnings ?? [];
}

export async function removeService(client: Client, id: string): Promise<void> {
  await send(client, "remove service", id, `/services/${encodeURIComponent(id)}`, "DELETE");
}

interface RawTask {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState?: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: { Timestamp?: string; State?: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
}

function toTask(t: RawTask): SwarmTask {
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    nodeId: t.NodeID ?? "",
    slot: t.Slot ?? 0,
    desiredState: (t.DesiredState ?? "") as TaskState,
    state: (t.Status?.State ?? "") as TaskState,
    message: t.Status?.Message ?? "",
    ...(t.Status?.Err ? { error: t.Status.Err } : {}),
    ...(t.Status?.ContainerStatus?.ExitCode !== undefined ? { exitCode: t.Status.ContainerStatus.ExitCode } : {}),
    image: t.Spec?.ContainerSpec?.Image ?? "",
    createdAt: t.CreatedAt ?? "",
    timestamp: t.Status?.Timestamp ?? t.UpdatedAt ?? "",
  };
}

/** Tasks of the given services (by id or name); all tasks when none is given. Sorted by service, slot, newest first. */
export async function listTasks(client: Client, options: { readonly services?: readonly string[]; readonly labels?: LabelFilter } = {}): Promise<SwarmTask[]> {
  if (options.services && options.services.length === 0) return [];
  const f = filters(options.labels, options.services ? { service: [...options.services] } : {});
  const rows = await client.get<RawTask[]>("list tasks", "/tasks", { filters: f });
  return rows.map(toTask).sort((a, b) => cmp(a.serviceId, b.serviceId) || a.slot - b.slot || cmp(b.createdAt, a.createdAt));
}

interface RawFileObject {
  ID: string;
  CreatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

function toFileObject(o: RawFileObject): SwarmFileObject {
  return { id: o.ID, name: o.Spec?.Name ?? "", labels: { ...(o.Spec?.Labels ?? {}) }, createdAt: o.CreatedAt ?? "" };
}

export async function listSecrets(client: Client, options: { readonly labels?: LabelFilter } = {}): Promise<SwarmFileObject[]> {
  const rows = await client.get<RawFileObject[]>("list secrets", "/secrets", { filters: filters(options.labels) });
  return rows.map(toFileObject).sort((a, b) => cmp(a.name, b.name));
}

export async function createSecret(client: Client, spec: SwarmSecretSpecBody): Promise<string> {
  return (await send<{ ID: string }>(client, "create secret", spec.Name, "/secrets/create", "POST", spec)).ID;
}

export async function removeSecret(client: Client, id: string): Promise<void> {
  await send(client, "remove secret", id, `/secrets/${encodeURIComponent(id)}`, "DELETE");
}

export async function listConfigs(client: Client, options: { readonly labels?: LabelFilter } = {}): Promise<SwarmFileObject[]> {
  const rows = await client.get<RawFileObject[]>("list configs", "/configs", { filters: filters(options.labels) });
  return rows.map(toFileObject).sort((a, b) => cmp(a.name, b.name));
}

export async function createConfig(client: Client, spec: SwarmConfigSpecBody): Promise<string> {
  return (await send<{ ID: string }>(client, "create config", spec.Name, "/configs/create", "POST", spec)).ID;
}

export async function removeConfig(client: Client, id: string): Promise<void> {
  await send(client, "remove config", id, `/configs/${encodeURIComponent(id)}`, "DELETE");
}

/** `docker tag source repo:tag`. */
export async function tagImage(client: Client, source: string, repo: string, tag: string): Promise<void> {
  await send(client, "tag image", source, `/images/${encodeURIComponent(source)}/tag`, "POST", {}, { repo, tag });
}
