/** Top-level networks, volumes, secrets and configs → the props of their constructs. */
import { isObj } from "./keys";
import type { Expr } from "./model";
import type { ComposeSource } from "./source";
import { bool, escapedJson, type Mapped, object, onlyKeys, opt, str, stringRecord, UNMODELED } from "./values";

type Props = Record<string, Expr> | undefined;
type Obj = Record<string, unknown>;

/** `external: true` / `external: { name }` (the old form) plus `name:` → `external`, `externalName`. */
function external(v: Obj): [string, Mapped | undefined][] {
  const ext = v.external;
  const extName = isObj(ext) ? ext.name : undefined;
  if (ext === undefined || ext === false) return [];
  return [
    ["external", true],
    ["externalName", opt(extName ?? v.name, str)],
  ];
}

/** Keys copied to `extra` verbatim, and the rest mapped; `{}` props become undefined (no second argument). */
function finish(mapped: Mapped, extra: Obj): Props {
  const props = (mapped === UNMODELED ? {} : mapped) as Record<string, Expr>;
  const out: Record<string, Expr> = { ...props };
  if (Object.keys(extra).length > 0) out.extra = escapedJson(extra) as Expr;
  return Object.keys(out).length > 0 ? out : undefined;
}

const MODELED_NETWORK = ["driver", "driver_opts", "internal", "attachable", "enable_ipv6", "labels", "ipam", "external"];

export function networkProps(v: unknown): Props {
  if (!isObj(v)) return undefined;
  const extra: Obj = {};
  for (const [k, val] of Object.entries(v)) if (!MODELED_NETWORK.includes(k) && !(k === "name" && v.external)) extra[k] = val;
  let ipam: Mapped | undefined;
  if (v.ipam !== undefined) {
    const okConfig = (c: unknown) => onlyKeys(c, ["subnet", "gateway", "ip_range"]);
    const i = v.ipam;
    ipam =
      onlyKeys(i, ["driver", "config"]) && (i.config === undefined || (Array.isArray(i.config) && i.config.every(okConfig)))
        ? object([
            ["driver", opt(i.driver, str)],
            [
              "config",
              opt(i.config, (c) =>
                (c as Obj[]).map(
                  (e) =>
                    object([
                      ["subnet", opt(e.subnet, str)],
                      ["gateway", opt(e.gateway, str)],
                      ["ipRange", opt(e.ip_range, str)],
                    ]) as Expr,
                ),
              ),
            ],
          ])
        : UNMODELED;
    if (ipam === UNMODELED) {
      extra.ipam = v.ipam;
      ipam = undefined;
    }
  }
  const mapped = object([
    ["driver", opt(v.driver, str)],
    ["driverOpts", opt(v.driver_opts, stringRecord)],
    ["internal", opt(v.internal, bool)],
    ["attachable", opt(v.attachable, bool)],
    ["enableIpv6", opt(v.enable_ipv6, bool)],
    ["labels", opt(v.labels, stringRecord)],
    ["ipam", ipam],
    ...external(v),
  ]);
  if (mapped === UNMODELED) return finish(UNMODELED, v);
  return finish(mapped, extra);
}

export function volumeProps(v: unknown): Props {
  if (!isObj(v)) return undefined;
  const extra: Obj = {};
  for (const [k, val] of Object.entries(v)) {
    if (!["driver", "driver_opts", "labels", "external"].includes(k) && !(k === "name" && v.external)) extra[k] = val;
  }
  const mapped = object([
    ["driver", opt(v.driver, str)],
    ["driverOpts", opt(v.driver_opts, stringRecord)],
    ["labels", opt(v.labels, stringRecord)],
    ...external(v),
  ]);
  if (mapped === UNMODELED) return finish(UNMODELED, v);
  return finish(mapped, extra);
}

/** Secrets and configs have no `extra`: a key the DSL cannot say fails the import at its line. */
export function fileResourceProps(v: unknown, kind: "secret" | "config", name: string, source: ComposeSource): Props {
  const section = `${kind}s`;
  if (!isObj(v))
    throw source.error(`expected a mapping with ${kind === "secret" ? "file, environment or external" : "file, environment, content or external"}`, [
      section,
      name,
    ]);
  const allowed = ["file", "environment", "external", "labels", ...(kind === "config" ? ["content"] : []), ...(v.external ? ["name"] : [])];
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      throw source.error(`key "${key}" is not supported by the DSL yet`, [section, name, key], { key: true, hint: `; supported: ${allowed.join(", ")}` });
    }
  }
  const mapped = object([
    ["file", opt(v.file, str)],
    ["environment", opt(v.environment, str)],
    ["content", opt(v.content, str)],
    ...external(v),
    ["labels", opt(v.labels, stringRecord)],
  ]);
  if (mapped === UNMODELED) throw source.error(`a value has a form the DSL cannot say`, [section, name]);
  return mapped as Record<string, Expr>;
}
