/**
 * Image references in their one canonical form, so that `nginx`, `nginx:latest`,
 * `library/nginx` and `docker.io/library/nginx:latest` compare equal, as the engine resolves them.
 */

const DEFAULT_DOMAIN = "docker.io";

/**
 * `nginx` → `docker.io/library/nginx:latest`; `ghcr.io/a/b:1` unchanged; a digest reference keeps
 * its digest and gets no tag (`x@sha256:…` → `docker.io/library/x@sha256:…`).
 */
export function normalizeImageReference(ref: string): string {
  let rest = ref.trim();
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  if (first && (first.includes(".") || first.includes(":") || first === "localhost")) {
    domain = first;
    path = rest.slice(slash + 1);
  }
  if (domain === "index.docker.io") domain = DEFAULT_DOMAIN;
  let tag = "";
  const colon = path.lastIndexOf(":");
  if (colon >= 0) {
    tag = path.slice(colon);
    path = path.slice(0, colon);
  }
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = `library/${path}`;
  if (!tag && !digest) tag = ":latest";
  return `${domain}/${path}${tag}${digest}`;
}

/**
 * The short form the engine lists and filters by: `docker.io/library/nginx:latest` → `nginx:latest`,
 * `docker.io/o/app:1` → `o/app:1`. (The engine's `reference` filter matches this form only.)
 */
export function familiarImageReference(ref: string): string {
  const norm = normalizeImageReference(ref);
  if (norm.startsWith(`${DEFAULT_DOMAIN}/library/`)) return norm.slice(`${DEFAULT_DOMAIN}/library/`.length);
  if (norm.startsWith(`${DEFAULT_DOMAIN}/`)) return norm.slice(DEFAULT_DOMAIN.length + 1);
  return norm;
}
