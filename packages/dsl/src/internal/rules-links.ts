/** Graph rules across entries: dangling references, dependsOn cycles, host ports published twice. */
import type { Problem } from "../errors";
import { formatLocation, networkModeService, volumesFromServices, type Graph, type PortSpec, type ServiceSpec } from "../graph";
import { problem, type Section } from "./rules";

export function checkReferences(graph: Graph): Problem[] {
  const out: Problem[] = [];
  for (const s of Object.values(graph.services)) {
    const dangling = (section: Section, name: string, path: string) => {
      if (!(name in graph[section])) {
        out.push(problem("service", s, `refers to ${section.slice(0, -1)} "${name}", which stack "${graph.project}" does not have`, path));
      }
    };
    for (const name of Object.keys(s.dependsOn ?? {})) dangling("services", name, `dependsOn.${name}`);
    for (const name of Object.keys(s.networks ?? {})) dangling("networks", name, `networks.${name}`);
    (s.volumes ?? []).forEach((m, i) => m.type === "volume" && dangling("volumes", m.source, `volumes[${i}].source`));
    (s.secrets ?? []).forEach((g, i) => dangling("secrets", g.source, `secrets[${i}]`));
    (s.configs ?? []).forEach((g, i) => dangling("configs", g.source, `configs[${i}]`));
  }
  return out;
}

/** Every dependsOn (or networkMode / volumesFrom service) cycle once, rotated to start at its smallest name: `a → b → c → a`. */
export function findCycles(graph: Graph): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (name: string) => {
    state.set(name, "active");
    stack.push(name);
    const s = graph.services[name];
    const viaNetwork = s ? networkModeService(s) : undefined; // `networkMode: service:x` starts x first, as a dependency does
    const viaVolumes = s ? volumesFromServices(s) : []; // `volumesFrom: [x]` too
    for (const dep of [...new Set([...Object.keys(s?.dependsOn ?? {}), ...(viaNetwork ? [viaNetwork] : []), ...viaVolumes])].sort()) {
      if (!(dep in graph.services)) continue;
      if (state.get(dep) === "active") {
        const cycle = stack.slice(stack.indexOf(dep));
        const start = cycle.indexOf([...cycle].sort()[0]);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join("\0"), rotated);
      } else if (!state.has(dep)) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of Object.keys(graph.services).sort()) if (!state.has(name)) visit(name);
  return [...cycles.values()];
}

export function checkCycles(graph: Graph): Problem[] {
  return findCycles(graph).map((cycle) => {
    const shown = [...cycle, cycle[0]].join(" → ");
    return problem("service", graph.services[cycle[0]], `dependsOn forms a cycle: ${shown}; no service in it could start first`, "dependsOn");
  });
}

const WILDCARDS = new Set([undefined, "", "0.0.0.0", "::"]);

function overlaps(a: PortSpec, b: PortSpec): boolean {
  return a.published === b.published && a.protocol === b.protocol && (WILDCARDS.has(a.hostIp) || WILDCARDS.has(b.hostIp) || a.hostIp === b.hostIp);
}

function showPort(p: PortSpec): string {
  return `${p.hostIp ? `${p.hostIp}:` : ""}${p.published}:${p.target}/${p.protocol}`;
}

/** Services in the order the user declared them (file, line, column; then name), so a clash is reported at the later one. */
function inDeclarationOrder(graph: Graph): ServiceSpec[] {
  return Object.values(graph.services).sort((a, b) => {
    const x = a.location;
    const y = b.location;
    if (x.file !== y.file) return x.file < y.file ? -1 : 1;
    return x.line - y.line || x.column - y.column || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
}

export function checkPortConflicts(graph: Graph): Problem[] {
  const out: Problem[] = [];
  const seen: { service: ServiceSpec; port: PortSpec }[] = [];
  for (const service of inDeclarationOrder(graph)) {
    (service.ports ?? []).forEach((port, i) => {
      if (port.published === undefined || port.published === 0) return;
      const other = seen.find((s) => overlaps(s.port, port));
      seen.push({ service, port });
      if (!other) return;
      const by = other.service === service ? "this service" : `service "${other.service.name}" (${formatLocation(other.service.location)})`;
      out.push(
        problem(
          "service",
          service,
          `host port ${port.published}/${port.protocol} is also published by ${by} as ${showPort(other.port)}`,
          `ports[${i}]`,
          showPort(port),
        ),
      );
    });
  }
  return out;
}
