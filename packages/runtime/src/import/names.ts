/** Variable names for constructs: camelCase after the compose name, unique, never a reserved word. */
import type { ConstructKind } from "./model";

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await as async of undefined NaN Infinity arguments eval " +
    "stack Stack Service Network Volume Secret Config sensitive require module exports process"
  ).split(" "),
);

/** `db-data` → `dbData`, `nc_data` → `ncData`, `2fa` → `2fa` (made valid by {@link Namer}). */
export function camelCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1))).join("");
}

const SUFFIX: Readonly<Record<ConstructKind, string>> = {
  service: "Service",
  network: "Network",
  volume: "Volume",
  secret: "Secret",
  config: "Config",
};

/** Hands out identifiers; services claim theirs first, so a `db` volume beside a `db` service becomes `dbVolume`. */
export class Namer {
  private readonly taken = new Set<string>();

  claim(name: string, kind: ConstructKind): string {
    let base = camelCase(name);
    if (base === "" || !/^[A-Za-z_$]/.test(base)) base = `${kind}${base[0]?.toUpperCase() ?? ""}${base.slice(1)}`;
    let ident = RESERVED.has(base) || this.taken.has(base) ? `${base}${SUFFIX[kind]}` : base;
    for (let n = 2; RESERVED.has(ident) || this.taken.has(ident); n++) ident = `${base}${SUFFIX[kind]}${n}`;
    this.taken.add(ident);
    return ident;
  }
}
