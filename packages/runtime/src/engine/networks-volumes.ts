/** Network and volume operations of the Docker engine adapter. */
import type Dockerode from "dockerode";
import type { Client } from "./client";
import { byName, exactNameFilter, labelFilter, toNetworkSummary, toVolumeSummary } from "./convert";
import type { EndpointSettings, ListOptions, NetworkCreateOptions, NetworkSummary, VolumeCreateOptions, VolumeSummary } from "./types";

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
  return rows.map(toNetworkSummary).filter((n) => !wanted || wanted.has(n.name)).sort(byName);
}

export async function createNetwork(client: Client, options: NetworkCreateOptions): Promise<string> {
  const body: NetworkCreateOptions = { CheckDuplicate: true, ...options };
  const n = await client.must("create network", options.Name, (d) => d.createNetwork(body));
  return n.id;
}

export async function removeNetwork(client: Client, idOrName: string): Promise<void> {
  await client.call("remove network", idOrName, (d) => d.getNetwork(idOrName).remove());
}

export async function connectNetwork(client: Client, network: string, container: string, endpoint?: EndpointSettings): Promise<void> {
  await client.call("connect", `${container}" to network "${network}`, (d) =>
    d.getNetwork(network).connect({ Container: container, ...(endpoint ? { EndpointConfig: endpoint } : {}) }),
  );
}

export async function disconnectNetwork(client: Client, network: string, container: string, force = false): Promise<void> {
  await client.call("disconnect", `${container}" from network "${network}`, (d) => d.getNetwork(network).disconnect({ Container: container, Force: force }));
}

export async function listVolumes(client: Client, options: ListOptions = {}): Promise<VolumeSummary[]> {
  const res = await client.get<{ Volumes?: Parameters<typeof toVolumeSummary>[0][] }>("list volumes", "/volumes", { filters: filters(options, false) });
  const wanted = options.names ? new Set(options.names) : undefined;
  return (res.Volumes ?? []).map(toVolumeSummary).filter((v) => !wanted || wanted.has(v.name)).sort(byName);
}

export async function createVolume(client: Client, options: VolumeCreateOptions): Promise<VolumeSummary> {
  // dockerode drops the created volume's body; ask the API directly to keep it to one call.
  const info = await client.must("create volume", options.Name ?? "(anonymous)", () =>
    client.dial<Dockerode.VolumeInspectInfo>({ path: "/volumes/create?", method: "POST", options: { ...options }, statusCodes: { 200: true, 201: true, 500: "server error" } }),
  );
  return toVolumeSummary(info);
}

export async function removeVolume(client: Client, name: string, force = false): Promise<void> {
  await client.call("remove volume", name, (d) => d.getVolume(name).remove({ force }));
}
