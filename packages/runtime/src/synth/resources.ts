/** Graph → compose for the top-level networks, volumes, secrets and configs. */
import type { ConfigSpec, NetworkSpec, SecretSpec, VolumeSpec } from "@berth/dsl";
import type { ComposeConfig, ComposeExternal, ComposeNetwork, ComposeSecret, ComposeVolume } from "./types";
import { compact, escapeDollars, nonEmpty, sortedRecord, withExtra } from "./util";

/**
 * An external resource is only a reference: `external: true` and the engine name (always
 * written, defaulting to the logical name, so the file does not depend on compose's default).
 */
function external(spec: { readonly name: string; readonly externalName?: string }): ComposeExternal & ComposeNetwork & ComposeVolume {
  return { external: true, name: spec.externalName ?? spec.name };
}

export function network(spec: NetworkSpec): ComposeNetwork {
  if (spec.external) return withExtra(escapeDollars(external(spec)), spec.extra);
  const ipam = spec.ipam
    ? compact({
        driver: spec.ipam.driver,
        config: spec.ipam.config?.map((c) => compact({ subnet: c.subnet, gateway: c.gateway, ip_range: c.ipRange })),
      })
    : undefined;
  const modeled = compact({
    driver: spec.driver,
    driver_opts: nonEmpty(sortedRecord(spec.driverOpts)),
    internal: spec.internal,
    attachable: spec.attachable,
    enable_ipv6: spec.enableIpv6,
    labels: nonEmpty(sortedRecord(spec.labels)),
    ipam: nonEmpty(ipam),
  });
  return withExtra(escapeDollars(modeled), spec.extra);
}

export function volume(spec: VolumeSpec): ComposeVolume {
  if (spec.external) return withExtra(escapeDollars(external(spec)), spec.extra);
  const modeled = compact({
    driver: spec.driver,
    driver_opts: nonEmpty(sortedRecord(spec.driverOpts)),
    labels: nonEmpty(sortedRecord(spec.labels)),
  });
  return withExtra(escapeDollars(modeled), spec.extra);
}

export function secret(spec: SecretSpec): ComposeSecret {
  if (spec.external) return escapeDollars(compact({ ...external(spec), labels: nonEmpty(sortedRecord(spec.labels)) }));
  return escapeDollars(compact({ file: spec.file, environment: spec.environment, labels: nonEmpty(sortedRecord(spec.labels)) }));
}

export function config(spec: ConfigSpec): ComposeConfig {
  if (spec.external) return escapeDollars(compact({ ...external(spec), labels: nonEmpty(sortedRecord(spec.labels)) }));
  return escapeDollars(
    compact({
      file: spec.file,
      environment: spec.environment,
      content: spec.content,
      labels: nonEmpty(sortedRecord(spec.labels)),
    }),
  );
}
