/**
 * Content hashes, in one place: the config hash, the digest that stands in for a sensitive
 * value, the short content hash of versioned Swarm objects, cache keys.
 */
import { createHash } from "node:crypto";

/** Hex sha256 of `data`. */
export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** First 8 hex digits of the content's sha256: the version suffix of a Swarm secret or config. */
export function hash8(content: string | Buffer): string {
  return sha256(content).slice(0, 8);
}

/** A digest that stands in for a sensitive value: changes when the value does, never shows it (`sha256:<16 hex>`). */
export function maskValue(value: unknown): string {
  return `sha256:${sha256(JSON.stringify(value)).slice(0, 16)}`;
}

/** True for a {@link maskValue} digest. */
export function isMaskedValue(v: unknown): boolean {
  return typeof v === "string" && /^sha256:[0-9a-f]{16}$/.test(v);
}
