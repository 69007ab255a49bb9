/**
 * Graph rules for what compose (or the engine, at `up`) would refuse and its JSON schema
 * cannot say: unique mount targets and container names, absolute container paths, host
 * addresses that are IP addresses, image references in Docker's grammar.
 */
import type { Problem } from "../errors";
import { formatLocation, type Graph, type ServiceSpec } from "../graph";
import { problem } from "./rules";

const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const IPV6 = /^(?=.*:)[0-9A-Fa-f:]*(:(\d{1,3}\.){3}\d{1,3})?$/;

/** An IPv4 or IPv6 address (the engine binds published ports to addresses, not host names). */
export function isIpAddress(text: string): boolean {
  if (IPV4.test(text)) return true;
  if (!IPV6.test(text) || (text.match(/::/g) ?? []).length > 1) return false;
  const groups = text.split(":").filter((g) => g !== "" && !g.includes("."));
  return groups.length <= 8 && groups.every((g) => g.length <= 4);
}

// Docker's reference grammar (distribution/reference): [domain[:port]/]path[:tag][@digest], the path in lowercase.
// The digest's length is not checked (the grammar wants 32+ hex digits): compose accepts any, the registry decides.
const DOMAIN = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?";
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]+)?$`,
);

/** True when `image` is a reference Docker accepts (`nginx`, `nginx:1.27`, `ghcr.io/org/app@sha256:…`). */
export function isImageReference(image: string): boolean {
  return image.length <= 255 && REFERENCE.test(image);
}

/** An absolute path in a (Linux or Windows) container. */
function isContainerPath(target: string): boolean {
  return target.startsWith("/") || /^[A-Za-z]:[\\/]/.test(target);
}

function checkService(s: ServiceSpec, out: Problem[]): void {
  if (s.image !== undefined && !isImageReference(s.image)) {
    const hint = s.image.trim() === "" ? "" : /[A-Z]/.test(s.image.split(":")[0]) ? " (repository names are lowercase)" : "";
    out.push(problem("service", s, `invalid image reference${hint}; expected [registry/]name[:tag][@digest], e.g. "nginx:1.27"`, "image", s.image));
  }
  const targets = new Map<string, number>();
  (s.volumes ?? []).forEach((m, i) => {
    const path = `volumes[${i}]`;
    if (!isContainerPath(m.target)) out.push(problem("service", s, `the container path must be absolute (e.g. "/${m.target}")`, `${path}.target`, m.target));
    const first = targets.get(m.target);
    if (first !== undefined)
      out.push(problem("service", s, `mounts on the same target as volumes[${first}]; each container path takes one mount`, `${path}.target`, m.target));
    else targets.set(m.target, i);
  });
  (s.ports ?? []).forEach((p, i) => {
    if (p.hostIp !== undefined && !isIpAddress(p.hostIp)) {
      out.push(
        problem("service", s, `host address must be an IPv4 or IPv6 address (e.g. "127.0.0.1"), not a host name or port`, `ports[${i}].hostIp`, p.hostIp),
      );
    }
  });
}

export function checkComposeRules(graph: Graph): Problem[] {
  const out: Problem[] = [];
  const containerNames = new Map<string, ServiceSpec>();
  for (const s of Object.values(graph.services)) {
    checkService(s, out);
    if (s.containerName === undefined) continue;
    const first = containerNames.get(s.containerName);
    if (first) {
      const message = `service "${first.name}" (${formatLocation(first.location)}) has the same containerName; container names are unique on an engine`;
      out.push(problem("service", s, message, "containerName", s.containerName));
    } else containerNames.set(s.containerName, s);
  }
  return out;
}
