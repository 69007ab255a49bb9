/**
 * The parity oracle: what `docker compose up` made against what `dsl apply` made, compared field
 * by field in `docker inspect` (Config, HostConfig, mounts, networks with their aliases). Only what
 * must differ is normalized away: the project name in object names, compose's and Berth's own
 * labels, the random hostname and the container id among the aliases, the random names of anonymous
 * volumes (`<anonymous /path>`), the order of `Mounts` and `Binds` (sorted; each names its own path), compose 1.29's
 * `affinity:container==…` variable on a recreated container (a Swarm classic hint), the order of
 * `Env` (sorted: an environment has no order), and the
 * empty forms the two write differently (`[]` and absent, restart policy `""` and `"no"`).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Inspect {
  readonly Id: string;
  readonly Config: Record<string, Json>;
  readonly HostConfig: Record<string, Json>;
  readonly Mounts: Json[];
  readonly NetworkSettings: { readonly Networks: Record<string, { readonly Aliases: string[] | null }> };
}

/** `docker inspect <name>` of one container, through the fixture's `docker` (stdout of the CLI). */
export async function inspectContainer(docker: (args: string[]) => Promise<string>, name: string) {
  return JSON.parse(await docker(["inspect", name]))[0];
}

const OWN_LABEL = /^(com\.docker\.compose\.|dev\.berth\.)/;

function empty(v: Json | undefined): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);
}

function isSet(v: Json | undefined): v is Record<string, Json> {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.keys(v).length > 0 &&
    Object.values(v).every((x) => empty(x) && x !== null && typeof x === "object" && !Array.isArray(x))
  );
}

/** Flat `path → value` of the fields that matter, with the project name replaced by `<project>`. */
export function containerView(c: Inspect, project: string): Record<string, Json> {
  const anonymous = (c.Mounts as { Type?: string; Name?: string; Destination?: string }[])
    .filter((m) => m.Type === "volume" && /^[0-9a-f]{64}$/.test(m.Name ?? ""))
    .map((m) => [m.Name as string, `<anonymous ${m.Destination}>`] as const);
  const rename = (s: string) =>
    anonymous.reduce((t, [name, shown]) => t.split(name).join(shown), s.split(`${project}_`).join("<project>_").split(`${project}-`).join("<project>-"));
  const short = c.Id.slice(0, 12);
  const labels = Object.fromEntries(Object.entries((c.Config.Labels ?? {}) as Record<string, Json>).filter(([k]) => !OWN_LABEL.test(k)));
  // compose 1.29 adds `affinity:container==<old id>` (a hint for the retired Swarm classic) to a
  // container that takes over its predecessor's volumes; Berth deliberately does not.
  // An environment has no order, and the graph's keys are sorted (determinism): compared sorted.
  const env = Array.isArray(c.Config.Env) ? c.Config.Env.filter((e) => typeof e !== "string" || !e.startsWith("affinity:container==")).sort() : c.Config.Env;
  const config = { ...c.Config, Env: env, Labels: labels, Hostname: c.Config.Hostname === short ? "<id>" : c.Config.Hostname };
  const host = { ...c.HostConfig };
  if (Array.isArray(host.Binds)) host.Binds = [...(host.Binds as string[])].sort();
  if ((host.RestartPolicy as { Name?: string } | undefined)?.Name === "") host.RestartPolicy = { ...(host.RestartPolicy as object), Name: "no" };
  const networks = Object.fromEntries(
    Object.entries(c.NetworkSettings.Networks).map(([name, n]) => [
      rename(name),
      { Aliases: (n.Aliases ?? []).map((a) => (a === short ? "<id>" : a)).sort() as Json },
    ]),
  );
  const out: Record<string, Json> = {};
  const walk = (prefix: string, v: Json) => {
    // A map of empty objects is a set (`Config.Volumes`, `ExposedPorts`): compared as its keys.
    if (isSet(v)) out[prefix] = JSON.parse(rename(JSON.stringify(Object.keys(v).sort()))) as Json;
    else if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length)
      for (const [k, x] of Object.entries(v)) walk(`${prefix}.${k}`, x as Json);
    else if (!empty(v)) out[prefix] = typeof v === "string" ? rename(v) : (JSON.parse(rename(JSON.stringify(v))) as Json);
  };
  walk("Config", config as Json);
  walk("HostConfig", host as Json);
  const mounts = [...(c.Mounts as { Destination?: string }[])].sort((a, b) => ((a.Destination ?? "") < (b.Destination ?? "") ? -1 : 1));
  walk("Mounts", mounts as Json);
  walk("Networks", networks as Json);
  return out;
}

/** `path: compose … | berth …` for every field that differs; empty when the containers are alike. */
export function differences(compose: Record<string, Json>, berth: Record<string, Json>): string[] {
  const keys = [...new Set([...Object.keys(compose), ...Object.keys(berth)])].sort();
  return keys
    .filter((k) => JSON.stringify(compose[k]) !== JSON.stringify(berth[k]))
    .map((k) => `${k}: compose ${JSON.stringify(compose[k])} | berth ${JSON.stringify(berth[k])}`);
}
