/** Network and volume operations of the Docker engine adapter. */
import type { Client } from "./client";
import { byName, exactNameFilter, labelFilter, toNetworkSummary, toVolumeSummary } from "./convert";
import type { EndpointSettings, ListOptions, NetworkCreateOptions, NetworkEndpoint, NetworkSummary, VolumeCreateOptions, VolumeSummary } from "./types";

function filters(options: ListOptions, anchoredNames: boolean): Record<string, string[]> {
  const f: Record<string, string[]> = {};
  const labels = labelFilter(options.labels);
  if (labels.length) f.label = labels;
  // Network names filter as regular expressions, volume names as substrings: exact match is checked after.
  if (options.names?.length) f.name = anchoredNames ? exactNameFilter(options.names, false) : [...options.names];
  return f;
}

export async function listNetworks(client: Client, options: ListOptions = {}): Promise<NetworkSummary[]> {
  const rows = await client.get<Parameters<typeof toNetworkSummary>[0][]>("list networks", "/networks", { filters: filters(options, true) });
  const wanted = options.names ? new Set(options.names) : undefined;
  return rows
    .map(toNetworkSummary)
    .filter((n) => !wanted || wanted.has(n.name))
    .sort(byName);
}

const netAt = (id: string) => `/networks/${encodeURIComponent(id)}`;

export async function createNetwork(client: Client, options: NetworkCreateOptions): Promise<string> {
  const body: NetworkCreateOptions = { CheckDuplicate: true, ...options };
  return (await client.send<{ Id: string }>("create network", options.Name, { method: "POST", path: "/networks/create", body })).Id;
}

export async function removeNetwork(client: Client, idOrName: string): Promise<void> {
  await client.request("remove network", idOrName, { method: "DELETE", path: netAt(idOrName) });
}

export async function connectNetwork(client: Client, network: string, container: string, endpoint?: EndpointSettings): Promise<void> {
  await client.request("connect", `${container}" to network "${network}`, {
    method: "POST",
    path: `${netAt(network)}/connect`,
    body: { Container: container, ...(endpoint ? { EndpointConfig: endpoint } : {}) },
  });
}

export async function disconnectNetwork(client: Client, network: string, container: string, force = false): Promise<void> {
  await client.request("disconnect", `${container}" from network "${network}`, {
    method: "POST",
    path: `${netAt(network)}/disconnect`,
    body: { Container: container, Force: force },
  });
}

export async function networkEndpoints(client: Client, network: string): Promise<NetworkEndpoint[] | undefined> {
  const n = await client.request<{ Containers?: Record<string, { Name?: string }> }>("inspect network", network, {
    method: "GET",
    path: netAt(network),
    ok: [404],
  });
  if (!n) return undefined;
  return Object.entries(n.Containers ?? {})
    .map(([containerId, e]) => ({ containerId, name: e.Name ?? "" }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function listVolumes(client: Client, options: ListOptions = {}): Promise<VolumeSummary[]> {
  const res = await client.get<{ Volumes?: Parameters<typeof toVolumeSummary>[0][] }>("list volumes", "/volumes", { filters: filters(options, false) });
  const wanted = options.names ? new Set(options.names) : undefined;
  return (res.Volumes ?? [])
    .map(toVolumeSummary)
    .filter((v) => !wanted || wanted.has(v.name))
    .sort(byName);
}

export async function createVolume(client: Client, options: VolumeCreateOptions): Promise<VolumeSummary> {
  return toVolumeSummary(
    await client.send<Parameters<typeof toVolumeSummary>[0]>("create volume", options.Name ?? "(anonymous)", {
      method: "POST",
      path: "/volumes/create",
      body: options,
    }),
  );
}

export async function removeVolume(client: Client, name: string, force = false): Promise<void> {
  await client.request("remove volume", name, { method: "DELETE", path: `/volumes/${encodeURIComponent(name)}`, query: { force } });
}
