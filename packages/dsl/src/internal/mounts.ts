/** Mount forms (volume objects, anonymous volumes, bind and tmpfs objects, compose's short strings) → MountSpec[]. */
import type { MountSpec } from "../graph";
import type { MountProps } from "../service-props";
import type { SynthContext } from "./member";
import { toJson } from "./records";
import { BYTES_EXPECTED, parseBytes } from "./units";

/** What compose accepts as a bind source: absolute, `./…`, `../…`, `~…` or `.`. */
export function isHostPath(source: string): boolean {
  return source === "." || source === ".." || /^(\/|\.\/|\.\.\/|~)/.test(source);
}

export const HOST_PATH_EXPECTED = `a host path starting with "/", "./", "../" or "~" (or ".")`;

function parseShortMount(text: string, ctx: SynthContext, path: string): MountSpec | undefined {
  const parts = text.split(":");
  // A lone container path is compose's anonymous volume (compose 1.29 reads no options on it).
  if (parts.length === 1 && text.startsWith("/")) return { type: "anonymous", target: text, short: true };
  if (parts.length < 2 || parts.length > 3) {
    ctx.report(
      `expected "host-path:container-path[:ro|rw]", or an absolute container path alone for an anonymous volume; named volumes are Volume objects`,
      path,
      text,
    );
    return undefined;
  }
  const [source, target, mode] = parts;
  if (!isHostPath(source)) {
    ctx.report(
      `"${source}" is not a host path; references are objects, not names: declare \`const ${safeIdent(source)} = new Volume("${source}")\` ` +
        `and mount it with { source: ${safeIdent(source)}, target: "${target}" }; bind mounts need ${HOST_PATH_EXPECTED}`,
      path,
      text,
    );
    return undefined;
  }
  const options = mode === undefined ? [] : mode.split(",");
  const unknown = options.filter((o) => o !== "ro" && o !== "rw");
  if (unknown.length > 0) {
    ctx.report(`mount option "${unknown[0]}" is not supported; expected "ro" or "rw" (use the object form for more)`, path, text);
    return undefined;
  }
  return { type: "bind", source, target, readOnly: options.includes("ro") ? true : undefined };
}

function safeIdent(name: string): string {
  const ident = name.replace(/[^a-zA-Z0-9_$]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""));
  return /^[a-zA-Z_$]/.test(ident) ? ident : `volume${ident}`;
}

function normalizeMount(mount: MountProps, ctx: SynthContext, path: string): MountSpec | undefined {
  if (typeof mount === "string") return parseShortMount(mount, ctx, path);
  switch (mount.type) {
    case "bind":
      return { type: "bind", source: mount.source, target: mount.target, readOnly: mount.readOnly, createHostPath: mount.createHostPath, long: mount.long };
    case "tmpfs": {
      const size = mount.size === undefined ? undefined : parseBytes(mount.size);
      if (mount.size !== undefined && size === undefined) {
        ctx.report(`expected ${BYTES_EXPECTED}`, `${path}.size`, mount.size);
        return undefined;
      }
      return { type: "tmpfs", target: mount.target, size };
    }
    default: {
      if (!("source" in mount) || mount.source === undefined) {
        return { type: "anonymous", target: mount.target, readOnly: mount.readOnly, noCopy: mount.noCopy };
      }
      const source = mount.source as unknown;
      if (typeof source === "string" || typeof source !== "object" || source === null) {
        ctx.report(`expected a Volume object as source (references are objects, not names), or type "bind" for a host path`, path, toJson(mount));
        return undefined;
      }
      const name = ctx.ref(`${path}.source`, mount.source);
      if (name === undefined) return undefined;
      return { type: "volume", source: name, target: mount.target, readOnly: mount.readOnly, noCopy: mount.noCopy };
    }
  }
}

/** Normalizes `volumes`, reporting each malformed entry at `volumes[i]` and leaving it out. */
export function normalizeMounts(mounts: readonly MountProps[] | undefined, ctx: SynthContext): MountSpec[] | undefined {
  if (!mounts) return undefined;
  const out: MountSpec[] = [];
  mounts.forEach((mount, i) => {
    const spec = normalizeMount(mount, ctx, `volumes[${i}]`);
    if (!spec) return;
    out.push(spec);
    ctx.mapPath(`volumes[${out.length - 1}]`, `volumes[${i}]`);
  });
  return out.length > 0 ? out : undefined;
}
