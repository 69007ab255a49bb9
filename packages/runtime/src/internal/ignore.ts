/**
 * `.dockerignore` patterns, as docker matches them (moby's patternmatcher): each pattern is a
 * path relative to a root, cleaned (`./a/` is `a`); `*` and `?` stay within one path segment, `**`
 * spans any number of them; a pattern that matches a folder matches everything under it; a
 * pattern starting with `!` re-includes; the last pattern that matches decides. Written here
 * because the glob libraries at hand read patterns as gitignore or shell globs do (unanchored
 * names, no parent-folder rule), and a watch rule must ignore exactly what a build would.
 */
import * as path from "node:path";

function segmentRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      // `**/` any folders (none too); a trailing `**` anything.
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "\\" && i + 1 < glob.length) out += `\\${glob[++i]}`;
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        out += `[${glob.slice(i + 1, end).replace(/^!/, "^")}]`;
        i = end;
      }
    } else out += /[.+^${}()|\\]/.test(c) ? `\\${c}` : c;
  }
  return out;
}

interface Pattern {
  readonly exclude: boolean;
  readonly re: RegExp;
}

function compile(text: string): Pattern | undefined {
  let p = text.trim();
  if (p === "" || p.startsWith("#")) return undefined;
  const exclude = p.startsWith("!");
  if (exclude) p = p.slice(1).trim();
  p = path.posix.normalize(p).replace(/^\/+/, "").replace(/\/+$/, "");
  if (p === "." || p === "") return undefined;
  // The pattern, or any folder the path is under.
  return { exclude, re: new RegExp(`^${segmentRegex(p)}(?:/.*)?$`) };
}

/** A predicate on paths relative to the patterns' root (`src/a.js`): true when the patterns exclude it. */
export function ignoreMatcher(patterns: readonly string[]): (rel: string) => boolean {
  const compiled = patterns.map(compile).filter((p): p is Pattern => p !== undefined);
  return (rel) => {
    const p = rel.split(path.sep).join("/");
    let ignored = false;
    for (const pat of compiled) if (pat.re.test(p)) ignored = !pat.exclude;
    return ignored;
  };
}

/** What every watch ignores, as compose does: `.git` folders and editors' temporary files (by their base name). */
const EPHEMERAL = [/^\.git$/, /^4913$/, /\.sw[px]$/, /~$/, /^#.*#$/, /^\.#/, /___jb_(?:tmp|old)___$/];

export function isEphemeral(rel: string): boolean {
  return rel.split(/[\\/]/).some((part) => EPHEMERAL.some((re) => re.test(part)));
}
