/**
 * Docker contexts, as the docker CLI picks them: `-H` (a host) first, then `--context`, then
 * `DOCKER_HOST`, then `DOCKER_CONTEXT`, then the `currentContext` of `~/.docker/config.json`
 * (`$DOCKER_CONFIG/config.json`). A context's endpoint is in
 * `contexts/meta/<sha256 of its name>/meta.json`, its TLS material in `contexts/tls/<sha256>/docker/`.
 * The context `default` is `DOCKER_HOST`, else the local socket.
 */
import { BerthError } from "@berth/dsl";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveConnection, type Connection, type ConnectionEnv } from "./connection";

export interface ContextEnv extends ConnectionEnv {
  readonly DOCKER_CONTEXT?: string;
  /** The docker CLI's configuration folder. Default `~/.docker`. */
  readonly DOCKER_CONFIG?: string;
  readonly HOME?: string;
}

/** A context name that the docker configuration does not have. */
export class UnknownContextError extends BerthError {}

function configDir(env: ContextEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME ?? process.env.HOME ?? "", ".docker");
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The context the docker CLI would use when no host is given: `asked`, else none when DOCKER_HOST is set, else DOCKER_CONTEXT, else the configured one. */
export function contextName(asked: string | undefined, env: ContextEnv): string | undefined {
  if (asked) return asked;
  if (env.DOCKER_HOST) return undefined;
  return env.DOCKER_CONTEXT || readJson<{ currentContext?: string }>(join(configDir(env), "config.json"))?.currentContext || undefined;
}

interface ContextMeta {
  readonly Name?: string;
  readonly Endpoints?: { readonly docker?: { readonly Host?: string; readonly SkipTLSVerify?: boolean } };
}

function knownContexts(dir: string): string[] {
  const meta = join(dir, "contexts", "meta");
  if (!existsSync(meta)) return [];
  return readdirSync(meta)
    .map((d) => readJson<ContextMeta>(join(meta, d, "meta.json"))?.Name)
    .filter((n): n is string => typeof n === "string")
    .sort();
}

/** The connection to the engine of context `name` (`default`: DOCKER_HOST, else the local socket). */
export function contextConnection(name: string, env: ContextEnv): Connection {
  if (name === "default") return resolveConnection(undefined, env);
  const dir = configDir(env);
  const id = createHash("sha256").update(name).digest("hex");
  const meta = readJson<ContextMeta>(join(dir, "contexts", "meta", id, "meta.json"));
  const host = meta?.Endpoints?.docker?.Host;
  if (!host) {
    const known = ["default", ...knownContexts(dir)];
    throw new UnknownContextError(`Docker context "${name}" not found in ${dir} (contexts: ${known.join(", ")})`);
  }
  const tlsDir = join(dir, "contexts", "tls", id, "docker");
  const hasTls = existsSync(join(tlsDir, "ca.pem")) || existsSync(join(tlsDir, "cert.pem"));
  const tlsEnv: ConnectionEnv = hasTls && !meta?.Endpoints?.docker?.SkipTLSVerify ? { DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: tlsDir } : {};
  return resolveConnection(host, tlsEnv);
}

/** Where a command's engine is: `host` (`-H`), else the context the docker CLI would pick, else DOCKER_HOST / the local socket. */
export function engineConnection(options: { readonly host?: string; readonly context?: string }, env: ContextEnv): Connection {
  if (options.host && options.context)
    throw new BerthError(`conflicting options: either specify a host (-H) or a context (--context "${options.context}"), not both`);
  if (options.host) return resolveConnection(options.host, env);
  const name = contextName(options.context, env);
  return name ? contextConnection(name, env) : resolveConnection(undefined, env);
}
