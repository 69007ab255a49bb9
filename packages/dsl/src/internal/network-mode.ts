/** compose's rules for `network_mode`, as located problems (docker-compose 1.29 or the engine would refuse each). */
import type { Problem } from "../errors";
import { networkModeService, type Graph, type ServiceSpec } from "../graph";
import { problem } from "./rules";

/** Why a container of this mode publishes no ports of its own. */
function noPorts(mode: string): string {
  if (mode === "host") return "the container uses the host's ports directly";
  if (mode === "none") return "the container has no network";
  return `the container shares the network of ${mode.replace(":", " ")}, whose own ports are the ones to publish`;
}

function checkService(graph: Graph, s: ServiceSpec, out: Problem[]): void {
  const mode = s.networkMode;
  if (mode === undefined) return;
  const report = (message: string, path: string) => out.push(problem("service", s, message, path, path === "networkMode" ? mode : undefined));
  const other = networkModeService(s);
  if (other === s.name) report(`a service cannot join its own container's network; name another service`, "networkMode");
  else if (other !== undefined && !(other in graph.services))
    report(`refers to service "${other}", which stack "${graph.project}" does not have`, "networkMode");
  if (s.networks && Object.keys(s.networks).length)
    report(`networks cannot be combined with networkMode "${mode}" (the container joins no network of the stack); drop one of them`, "networks");
  if (mode !== "bridge" && s.ports?.length) report(`ports cannot be published with networkMode "${mode}": ${noPorts(mode)}`, "ports");
  if (!/^(service|container):/.test(mode)) return;
  for (const [key, value] of [
    ["hostname", s.hostname],
    ["dns", s.dns],
    ["extraHosts", s.extraHosts],
  ] as const) {
    if (value !== undefined) report(`${key} cannot be set with networkMode "${mode}": the container takes the network's (the engine refuses both)`, key);
  }
}

/** Every service's networkMode problems: a missing or self service, networks, ports, and what a shared network fixes. */
export function checkNetworkModes(graph: Graph): Problem[] {
  const out: Problem[] = [];
  for (const s of Object.values(graph.services)) checkService(graph, s, out);
  return out;
}
