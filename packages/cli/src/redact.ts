/**
 * The CLI's output boundary for secrets: stdout and stderr are wrapped so that every write,
 * whoever makes it (a command, commander, the error boundary, a container's output), passes
 * through one {@link Redactor}. Loading a stack adds its sensitive values to it, so no
 * command can print one, by construction; only an explicit opt-in writes past it.
 */
import { Redactor } from "@berth/runtime";
import type { Io } from "./io";

type Stream = Io["stdout"];

/** State shared by the two wrapped streams: the opt-in that writes past the redactor. */
interface Gate {
  open: boolean;
}

function redactedStream(stream: Stream, redactor: Redactor, gate: Gate): Stream {
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    let out = chunk;
    if (!gate.open && typeof chunk === "string") out = redactor.redact(chunk);
    else if (!gate.open && chunk instanceof Uint8Array) out = redactor.redactBytes(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    return (stream.write as (c: unknown, ...r: unknown[]) => boolean)(out, ...rest);
  };
  // `write` can be wrapped on the wrapper (the live progress block does, to keep stderr lines off
  // it): the wrapper's own write stays what the wrapping calls, so the stream's write is not touched.
  let current: unknown = write;
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === "write") return current;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    set(target, prop, value) {
      if (prop !== "write") return Reflect.set(target, prop, value, target);
      current = value;
      return true;
    },
  });
}

const gates = new WeakMap<Redactor, Gate>();

/** `io` with stdout and stderr redacting every value added to `io.redactor`. */
export function redactingIo(io: Io): Io {
  if (io.redactor) return io;
  const redactor = new Redactor();
  const gate: Gate = { open: false };
  gates.set(redactor, gate);
  return { ...io, redactor, stdout: redactedStream(io.stdout, redactor, gate), stderr: redactedStream(io.stderr, redactor, gate) };
}

/** Writes `text` to `stream` unredacted: only for output the user asked to hold the values (`synth --inline-sensitive`). */
export function writeUnredacted(io: Io, stream: Stream, text: string): void {
  const gate = io.redactor ? gates.get(io.redactor) : undefined;
  if (gate) gate.open = true;
  try {
    stream.write(text);
  } finally {
    if (gate) gate.open = false;
  }
}
