/**
 * Durations as the engine and the command line want them, in one place. The graph holds
 * compose durations in the DSL's canonical form (`1m30s`, `500ms`); `parseDuration` of
 * `@berth/dsl` is the one parser of that form.
 */
import { parseDuration } from "@berth/dsl";

/** A compose duration in nanoseconds (the engine's unit), undefined when absent or malformed. */
export function durationNs(d: string | undefined): number | undefined {
  if (d === undefined) return undefined;
  const micros = parseDuration(d);
  return micros === undefined ? undefined : micros * 1000;
}

/** A compose duration in whole seconds (rounded up), or `fallback` when absent or malformed. */
export function durationSeconds(d: string | undefined, fallback: number): number {
  const ns = durationNs(d);
  return ns === undefined ? fallback : Math.ceil(ns / 1e9);
}

/**
 * A duration typed by a person (an option value): a compose duration (`30s`, `2m`, `1m30s`,
 * `500ms`) or a bare number of seconds. Milliseconds, or undefined when malformed.
 */
export function parseDurationText(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const micros = parseDuration(t);
  return micros === undefined ? undefined : micros / 1000;
}

/** The seconds a container may take to stop before it is killed: its stop grace period, else 10 s (compose's default). */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 10;
