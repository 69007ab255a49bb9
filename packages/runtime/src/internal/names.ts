/**
 * Every engine name Berth derives, in one place, as docker compose v2 and `docker stack deploy`
 * make them, so that compose, the docker CLI and Berth agree on what belongs to a project.
 */

/** A service's container: `<project>-<service>-<n>` (compose v2), or the fixed `containerName`. */
export function containerName(project: string, service: string, number: number, fixed?: string): string {
  return fixed ?? `${project}-${service}-${number}`;
}

/** A project-scoped object: networks and volumes (`blog_default`), Swarm services (`shop_web`). */
export function scopedName(project: string, name: string): string {
  return `${project}_${name}`;
}

/** The logical name of a project-scoped engine name: `blog_default` → `default` (other names as they are). */
export function unscopedName(project: string, engineName: string): string {
  const prefix = `${project}_`;
  return engineName.startsWith(prefix) && engineName.length > prefix.length ? engineName.slice(prefix.length) : engineName;
}

/** The image a built service without `image` gets: `<project>-<service>`, as compose names it. */
export function defaultImageName(project: string, service: string): string {
  return `${project}-${service}`;
}

/** A one-off container of `dsl run`: `<project>-<service>-run-<token>`, as compose v2 names it. */
export function oneOffName(project: string, service: string, token: string): string {
  return `${project}-${service}-run-${token}`;
}

const PARKED = "_berth-old-";

/**
 * The name an old container is parked under while its successor is made (a recreate keeps it
 * until the new one runs): `<name>_berth-old-<id, 12 hex>`.
 */
export function parkedName(name: string, id: string): string {
  return `${name}${PARKED}${id.slice(0, 12)}`;
}

/** The name a parked container had before it was parked, or undefined when `name` is not a parked name. */
export function unparkedName(name: string): string | undefined {
  const at = name.lastIndexOf(PARKED);
  return at > 0 && /^[0-9a-f]{12}$/.test(name.slice(at + PARKED.length)) ? name.slice(0, at) : undefined;
}

/** Every lock volume of `project` starts so: `berth-lock-<project>.` (the rest is one holder's token). */
export function lockVolumePrefix(project: string): string {
  return `berth-lock-${project}.`;
}

/** A Swarm secret or config version: `<stack>_<name>_<hash8>` (they are immutable, so a new content is a new name). */
export function versionedName(stack: string, name: string, hash8: string): string {
  return `${stack}_${name}_${hash8}`;
}
