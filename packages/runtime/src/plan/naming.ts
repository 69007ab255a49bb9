/** Engine names, as compose v2 makes them. */
import type { DesiredService } from "../desired/resolve";

export function containerName(project: string, svc: Pick<DesiredService, "name" | "resolved">, number: number): string {
  return svc.resolved.containerName ?? `${project}-${svc.name}-${number}`;
}
