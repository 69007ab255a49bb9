/**
 * The contents of a stack's secrets and configs, as a Swarm needs them: Swarm objects are
 * immutable, so their engine names carry a hash of the content. Read from the stack's folder
 * (files), the deployer's environment, or the inline `content`; never printed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ConfigSpec, Graph } from "@berth/dsl";
import { hash8 } from "../internal/hash";
import type { SwarmSynthOptions } from "./synth";

/** Where a content comes from when it is read. */
export interface ContentSource {
  /** Folder relative `file`s are read from: the stack file's. */
  readonly dir: string;
  /** The deployer's environment, for secrets and configs taken from a variable. */
  readonly env: NodeJS.ProcessEnv;
  /** Reads a file (default: from disk). */
  readonly readFile?: (file: string) => Buffer;
}

/** The content of a secret or config; undefined when its variable is unset. A file that cannot be read throws. */
export function readContent(spec: ConfigSpec, source: ContentSource): Buffer | undefined {
  if (spec.file !== undefined) return (source.readFile ?? ((f: string) => fs.readFileSync(f)))(path.resolve(source.dir, spec.file));
  const text = spec.content ?? (spec.environment !== undefined ? source.env[spec.environment] : undefined);
  return text === undefined ? undefined : Buffer.from(text, "utf8");
}

/** The `contentHash` that {@link synthSwarm} needs, reading each content once; unreadable ones give undefined. */
export function contentHashes(graph: Graph, source: ContentSource): NonNullable<SwarmSynthOptions["contentHash"]> {
  return (kind, name) => {
    const spec = kind === "secret" ? graph.secrets[name] : graph.configs[name];
    if (!spec) return undefined;
    try {
      const content = readContent(spec, source);
      return content === undefined ? undefined : hash8(content);
    } catch {
      return undefined;
    }
  };
}
