/**
 * Names and labels of the objects of a Swarm stack, as `docker stack deploy` makes them, so
 * that `docker stack ps/services/rm <stack>` work on what Berth made and the other way round.
 */
import { createHash } from "node:crypto";

export const StackLabels = {
  /** The stack a service, network, secret or config belongs to (`docker stack` filters on it). */
  namespace: "com.docker.stack.namespace",
  /** The image as the stack file names it (`docker stack deploy` writes it on each service). */
  image: "com.docker.stack.image",
  /** Berth's own: the view keys the last `dsl apply` wrote, so that removing an option is seen as a change. */
  fields: "dev.berth.swarm.fields",
  /** Berth's own: logical name of a versioned secret or config. */
  logical: "dev.berth.swarm.name",
} as const;

/** `<stack>_<name>`: services, networks and volumes. */
export function scoped(stack: string, name: string): string {
  return `${stack}_${name}`;
}

/** First 8 hex digits of the content's sha256: secrets and configs are immutable, so a new content is a new name. */
export function contentHash8(content: Buffer | string): string {
  return createHash("sha256").update(content).digest("hex").slice(0, 8);
}

/** `<stack>_<name>_<hash8>`: the versioned engine name of a secret or config. */
export function versioned(stack: string, name: string, hash8: string): string {
  return `${stack}_${name}_${hash8}`;
}
