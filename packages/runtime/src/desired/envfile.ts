/**
 * `.env` / `env_file` parsing with compose's rules: `KEY=VALUE` lines, `#` comments, blank
 * lines, an optional `export ` prefix, single quotes literal, double quotes with `\n` escapes,
 * inline ` #` comments after unquoted values, and a bare `KEY` (no `=`) taken from the environment.
 */
export interface EnvLine {
  readonly key: string;
  /** `null`: a bare `KEY`, whose value comes from the environment of whoever deploys. */
  readonly value: string | null;
  readonly line: number;
}

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(["\\nrt])/g, (_m, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c] ?? c);
  }
  const comment = v.search(/\s#/);
  return (comment >= 0 ? v.slice(0, comment) : v).trim();
}

export function parseEnvFile(text: string): EnvLine[] {
  const out: EnvLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const body = line.startsWith("export ") ? line.slice(7).trim() : line;
    const eq = body.indexOf("=");
    if (eq < 0) out.push({ key: body, value: null, line: i + 1 });
    else out.push({ key: body.slice(0, eq).trim(), value: unquote(body.slice(eq + 1)), line: i + 1 });
  });
  return out;
}
