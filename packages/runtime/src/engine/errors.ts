/**
 * The one error type the engine adapter throws. Its message names the operation and the
 * object (`cannot start container "blog-web-1": …`) and ends with the engine's own reason;
 * the original (dockerode's error, a socket error) stays reachable as `cause`.
 */
import { BerthError } from "@berth/dsl";

const BRAND = Symbol.for("@berth/runtime.EngineError");

export interface EngineErrorOptions {
  readonly cause?: unknown;
  /** The engine's HTTP status (404 no such object, 409 conflict, 500 …); absent when it was never reached. */
  readonly statusCode?: number;
  /** `start container`, `pull image`, … */
  readonly operation: string;
  /** The object's name or id, when there is one. */
  readonly object?: string;
  /** Where the engine was asked, for "cannot reach" errors. */
  readonly endpoint?: string;
  /** The last lines a failed build printed before its error. */
  readonly output?: readonly string[];
}

export class EngineError extends BerthError {
  readonly statusCode?: number;
  readonly operation: string;
  readonly object?: string;
  /** The last lines a failed build printed before its error (empty otherwise). */
  readonly output: readonly string[];

  constructor(message: string, options: EngineErrorOptions) {
    // Not the user's fault in general; a 404/409 on a name they chose may be, and callers say so.
    super(message, { cause: options.cause, kind: "engine" });
    this.statusCode = options.statusCode;
    this.operation = options.operation;
    this.object = options.object;
    this.output = options.output ?? [];
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Brand check that works across copies of this package. */
  static isEngineError(err: unknown): err is EngineError {
    return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** True for an engine "no such container/image/network/volume" answer. */
export function isNotFound(err: unknown): boolean {
  return EngineError.isEngineError(err) && err.statusCode === 404;
}

/** True for an engine "conflict" answer (name in use, container running, network in use). */
export function isConflict(err: unknown): boolean {
  return EngineError.isEngineError(err) && err.statusCode === 409;
}

interface ModemError {
  statusCode?: number;
  json?: unknown;
  reason?: string;
  code?: string;
  message?: string;
}

/** The engine's own sentence: the JSON body's `message`, else the error's message. */
export function engineReason(err: unknown): string {
  const e = (err ?? {}) as ModemError;
  const json = e.json as { message?: unknown } | string | undefined;
  if (json && typeof json === "object" && typeof json.message === "string") return json.message.trim();
  if (typeof json === "string" && json.trim()) return json.trim();
  if (Buffer.isBuffer(e.json) && e.json.length) return e.json.toString("utf8").trim();
  return String(e.message ?? err).trim();
}

const UNREACHABLE = new Set(["ENOENT", "ECONNREFUSED", "EACCES", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "EPIPE"]);

/** Wraps whatever dockerode threw into an {@link EngineError} that names the operation and object. */
export function wrapEngineError(err: unknown, operation: string, object: string | undefined, endpoint: string): EngineError {
  if (EngineError.isEngineError(err)) return err;
  const e = (err ?? {}) as ModemError;
  const what = object === undefined ? operation : `${operation} "${object}"`;
  if (e.statusCode === undefined && e.code && UNREACHABLE.has(e.code)) {
    return new EngineError(
      `cannot ${what}: the Docker engine at ${endpoint} does not answer (${e.code}: ${e.message ?? ""}); is dockerd running, and is DOCKER_HOST right?`,
      { cause: err, operation, object, endpoint },
    );
  }
  return new EngineError(`cannot ${what}: ${engineReason(err)}`, { cause: err, statusCode: e.statusCode, operation, object, endpoint });
}
