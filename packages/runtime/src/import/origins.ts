/**
 * Which variables a compose file's strings were read from, so that the stack reads them too:
 * `image: nginx:${TAG:-1.0}` becomes `` `nginx:${env("TAG", "1.0")}` ``, and a value whose key
 * looks like a secret (`*_PASSWORD`, `*_TOKEN`, `*_KEY`, `*_SECRET`) becomes
 * `sensitive(env("DB_PASSWORD"))`: no value from the environment or `.env` is written into stack.ts.
 *
 * The mappers see interpolated values; the link back is by value: a string of the model that
 * equals what one raw string interpolated to (and that no literal of the file equals) came
 * from it. Ambiguous values keep their literal, which always means the same to compose.
 */
import { interpolateString, type Variables } from "./interpolate";
import { type ConstructDecl, type Expr, EnvRead, type EnvPiece, Octal, Ref, SensitiveExpr, type StackModel } from "./model";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The pieces of a raw string, or undefined when it uses a form `env()` cannot say (`${X-d}`, `${X:+a}`, nesting). */
function piecesOf(text: string): EnvPiece[] | undefined {
  const out: EnvPiece[] = [];
  const literal = (s: string) => (typeof out[out.length - 1] === "string" ? (out[out.length - 1] = (out[out.length - 1] as string) + s) : out.push(s));
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "$") {
      literal(text[i]);
      continue;
    }
    const rest = text.slice(i + 1);
    const bare = NAME.exec(rest)?.[0];
    if (rest.startsWith("$")) {
      literal("$");
      i++;
    } else if (bare) {
      out.push({ name: bare });
      i += bare.length;
    } else if (rest.startsWith("{")) {
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^${}]*))?\}/.exec(rest);
      if (!m) return undefined;
      out.push(m[2] === undefined ? { name: m[1] } : m[2] === ":-" ? { name: m[1], default: m[3] } : { name: m[1], required: m[3] });
      i += m[0].length;
    } else literal("$");
  }
  return out;
}

/** Resolved value → the read it came from; `null` when two raw strings (or a literal) give the same value. */
export class Origins {
  private readonly reads = new Map<string, EnvRead | null>();
  private readonly literals = new Set<string>();

  /** Records a raw string and what it interpolates to with `vars`. */
  add(raw: string, vars: Variables): void {
    if (!raw.includes("$")) {
      this.literals.add(raw);
      return;
    }
    let resolved: string;
    try {
      resolved = interpolateString(raw, vars, (what) => {
        throw new Error(what);
      });
    } catch {
      return; // interpolation reports it
    }
    const pieces = piecesOf(raw);
    if (!pieces || !pieces.some((p) => typeof p !== "string")) {
      this.literals.add(resolved);
      return;
    }
    const read = new EnvRead(pieces);
    const seen = this.reads.get(resolved);
    this.reads.set(resolved, seen === undefined || (seen !== null && JSON.stringify(seen.pieces) === JSON.stringify(pieces)) ? read : null);
  }

  /** The read `value` came from, when exactly one raw string gave it and no literal equals it. */
  of(value: string): EnvRead | undefined {
    return this.literals.has(value) ? undefined : (this.reads.get(value) ?? undefined);
  }
}

/** Every string of a raw compose file (and the value part of `KEY=value` list items), recorded with `vars`. */
export function collectOrigins(raw: unknown, vars: Variables, origins = new Origins()): Origins {
  if (typeof raw === "string") {
    origins.add(raw, vars);
    const kv = /^[A-Za-z_][A-Za-z0-9_.-]*=/.exec(raw);
    if (kv) origins.add(raw.slice(kv[0].length), vars);
  } else if (Array.isArray(raw)) for (const v of raw) collectOrigins(v, vars, origins);
  else if (raw !== null && typeof raw === "object") for (const v of Object.values(raw)) collectOrigins(v, vars, origins);
  return origins;
}

/** Environment keys whose values are secrets: `DB_PASSWORD`, `API_TOKEN`, `SSH_KEY`, `JWT_SECRET`. */
export function looksSecret(key: string): boolean {
  return /(?:^|_)(?:PASSWORD|TOKEN|KEY|SECRET)$/i.test(key);
}

function withReads(e: Expr, origins: Origins): Expr {
  if (typeof e === "string") return origins.of(e) ?? e;
  if (e === null || typeof e !== "object" || e instanceof Ref || e instanceof Octal || e instanceof EnvRead || e instanceof SensitiveExpr) return e;
  if (Array.isArray(e)) return e.map((x) => withReads(x as Expr, origins));
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, k === "extra" ? v : withReads(v as Expr, origins)]));
}

/** What {@link readVariables} made of a model: the model, and each secret-looking value that was written in the file itself. */
export interface ReadModel {
  readonly model: StackModel;
  /** `services.db.environment.SA_PASSWORD`: secrets the compose file held in clear (kept as `sensitive("…")`). */
  readonly inlineSecrets: readonly string[];
}

function service(decl: ConstructDecl, origins: Origins, inline: string[]): ConstructDecl {
  const props = withReads(decl.props as Expr, origins) as Record<string, Expr>;
  const env = props.environment as Record<string, Expr> | undefined;
  if (!env || typeof env !== "object" || Array.isArray(env)) return { ...decl, props };
  const environment = Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      if (!looksSecret(k) || v === null) return [k, v];
      if (!(v instanceof EnvRead)) inline.push(`services.${decl.name}.environment.${k}`);
      return [k, new SensitiveExpr(v as string | number | EnvRead)];
    }),
  );
  return { ...decl, props: { ...props, environment } };
}

/** The model with interpolated strings written as `env()` reads, and secret-looking environment values marked sensitive. */
export function readVariables(model: StackModel, origins: Origins): ReadModel {
  const inlineSecrets: string[] = [];
  const constructs = model.constructs.map((c) =>
    !c.props ? c : c.kind === "service" ? service(c, origins, inlineSecrets) : { ...c, props: withReads(c.props as Expr, origins) as Record<string, Expr> },
  );
  return { model: { ...model, constructs }, inlineSecrets };
}
