/**
 * The parity oracle: what `docker compose up` made against what `dsl apply` made, compared field
 * by field in `docker inspect` (Config, HostConfig, mounts, networks with their aliases). Only what
 * must differ is normalized away: the project name in object names, compose's and Berth's own
 * labels, the random hostname and the container id among the aliases, and the empty forms the two
 * write differently (`[]` and absent, restart policy `""` and `"no"`).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Inspect {
  readonly Id: string;
  readonly Config: Record<string, Json>;
  readonly HostConfig: Record<string, Json>;
  readonly Mounts: Json[];
  readonly NetworkSettings: { readonly Networks: Record<string, { readonly Aliases: string[] | null }> };
}

const OWN_LABEL = /^(com\.docker\.compose\.|dev\.berth\.)/;

function empty(v: Json | undefined): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);
}

/** Flat `path → value` of the fields that matter, with the project name replaced by `<project>`. */
export function containerView(c: Inspect, project: string): Record<string, Json> {
  const rename = (s: string) => s.split(`${project}_`).join("<project>_").split(`${project}-`).join("<project>-");
  const short = c.Id.slice(0, 12);
  const labels = Object.fromEntries(Object.entries((c.Config.Labels ?? {}) as Record<string, Json>).filter(([k]) => !OWN_LABEL.test(k)));
  const config = { ...c.Config, Labels: labels, Hostname: c.Config.Hostname === short ? "<id>" : c.Config.Hostname };
  const host = { ...c.HostConfig };
  if ((host.RestartPolicy as { Name?: string } | undefined)?.Name === "") host.RestartPolicy = { ...(host.RestartPolicy as object), Name: "no" };
  const networks = Object.fromEntries(
    Object.entries(c.NetworkSettings.Networks).map(([name, n]) => [
      rename(name),
      { Aliases: (n.Aliases ?? []).map((a) => (a === short ? "<id>" : a)).sort() as Json },
    ]),
  );
  const out: Record<string, Json> = {};
  const walk = (prefix: string, v: Json) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length) for (const [k, x] of Object.entries(v)) walk(`${prefix}.${k}`, x);
    else if (!empty(v)) out[prefix] = typeof v === "string" ? rename(v) : (JSON.parse(rename(JSON.stringify(v))) as Json);
  };
  walk("Config", config as Json);
  walk("HostConfig", host as Json);
  walk("Mounts", c.Mounts as Json);
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
