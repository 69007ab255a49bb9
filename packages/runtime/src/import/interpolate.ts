/**
 * Compose's variable substitution: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal `$`.
 * Values come from the environment, then from the `.env` file beside the compose file. An
 * undefined variable without a default is an error (compose only warns and substitutes "";
 * an import that silently bakes "" into a stack would hide it).
 */
import type { ComposeSource, Path } from "./source";

export type Variables = Readonly<Record<string, string | undefined>>;

/**
 * Parses a `.env` file: `KEY=value`, `export KEY=value`, `#` comments, single quotes literal,
 * double quotes with `\n` escapes. As compose does, unquoted and double-quoted values expand
 * `${VAR}` from the environment, then from the lines above (`REF=${X}-ref`); `fail` gets the
 * 1-based line of a value that cannot be expanded.
 */
export function parseDotEnv(text: string, environ: Variables = {}, fail?: (what: string, line: number) => never): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) return;
    let value = m[2];
    const literal = /^'.*'$/.test(value);
    if (literal) value = value.slice(1, -1);
    else if (/^".*"$/.test(value))
      value = value
        .slice(1, -1)
        .replace(/\\n/g, "\n")
        .replace(/\\(["\\])/g, "$1");
    else value = value.replace(/\s+#.*$/, "");
    out[m[1]] = literal || !fail ? value : interpolateString(value, { ...out, ...environ }, (what) => fail(what, i + 1));
  });
  return out;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The index of the `}` that closes a `${` whose body starts at `from`, allowing nested `${…}`. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "{") {
      depth++;
      i++;
    } else if (text[i] === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Substitutes one string; `fail` receives a message and throws. */
export function interpolateString(text: string, vars: Variables, fail: (what: string) => never): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "$") {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i++;
      continue;
    }
    if (next !== "{") {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) {
        out += "$";
        continue;
      }
      out += lookup(name, vars, fail, `$${name}`);
      i += name.length;
      continue;
    }
    const end = closingBrace(text, i + 2);
    if (end < 0) fail(`unterminated "\${" in "${text}"`);
    out += substitute(text.slice(i + 2, end), vars, fail);
    i = end;
  }
  return out;
}

function lookup(name: string, vars: Variables, fail: (what: string) => never, shown: string): string {
  const value = vars[name];
  if (value === undefined) {
    fail(`variable ${shown} is not set (set it in the environment or in .env, or give a default: \${${name}:-default})`);
  }
  return value;
}

/** The body of `${…}`: a name, then optionally an operator and a word (itself interpolated). */
function substitute(body: string, vars: Variables, fail: (what: string) => never): string {
  const name = NAME.exec(body)?.[0];
  if (!name) fail(`invalid interpolation "\${${body}}"`);
  const rest = body.slice(name.length);
  if (rest === "") return lookup(name, vars, fail, `\${${name}}`);
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (!op) fail(`invalid interpolation "\${${body}}"`);
  const word = () => interpolateString(rest.slice(op.length), vars, fail);
  const value = vars[name];
  const unsetOrEmpty = value === undefined || (op.startsWith(":") && value === "");
  switch (op) {
    case ":-":
    case "-":
      return unsetOrEmpty ? word() : (value as string);
    case ":+":
    case "+":
      return unsetOrEmpty ? "" : word();
    default:
      if (unsetOrEmpty) fail(`required variable ${name} is missing a value: ${word() || "(no message)"}`);
      return value as string;
  }
}

/** Substitutes every string value (not keys, which compose does not interpolate) of a compose file. */
export function interpolate(value: unknown, vars: Variables, source: ComposeSource, path: Path = []): unknown {
  if (typeof value === "string") {
    return interpolateString(value, vars, (what) => {
      throw source.error(what, path);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, vars, source, [...path, i]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k.startsWith("x-") && path.length === 0 ? v : interpolate(v, vars, source, [...path, k]);
    return out;
  }
  return value;
}
