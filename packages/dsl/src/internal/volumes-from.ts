/** compose's rules for `volumes_from`, as located problems (docker-compose 1.29 refuses each). */
import type { Problem } from "../errors";
import type { Graph } from "../graph";
import { problem } from "./rules";

/** Every service's volumesFrom problems: its own service, a service the stack does not have, an entry repeated. */
export function checkVolumesFrom(graph: Graph): Problem[] {
  const out: Problem[] = [];
  for (const s of Object.values(graph.services)) {
    const seen = new Set<string>();
    s.volumesFrom?.forEach((v, i) => {
      const path = `volumesFrom[${i}]`;
      const key = `${"service" in v ? `service "${v.service}"` : `container "${v.container}"`}${v.readOnly ? " read-only" : ""}`;
      if (seen.has(key)) out.push(problem("service", s, `${key} is named twice (compose's schema refuses a repeated entry); keep one`, path));
      seen.add(key);
      if (!("service" in v)) return;
      if (v.service === s.name) out.push(problem("service", s, `a service cannot mount its own container's volumes; name another service`, path, v.service));
      else if (!(v.service in graph.services))
        out.push(problem("service", s, `refers to service "${v.service}", which stack "${graph.project}" does not have`, path, v.service));
    });
  }
  return out;
}
