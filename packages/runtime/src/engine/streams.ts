/**
 * The engine's two stream formats: the multiplexed stdout/stderr framing of logs and exec
 * (8-byte headers: stream type, 3 zero bytes, big-endian length), and the newline-delimited
 * JSON progress of pulls and builds (`{"status":…}`, `{"stream":…}`, `{"error":…}`).
 */
import { Readable, Transform, type TransformCallback } from "node:stream";
import type { LogChunk, ProgressEvent } from "./types";

/**
 * Turns the engine's multiplexed byte stream into {@link LogChunk} objects. With `tty` the
 * engine does not multiplex: every byte is stdout.
 */
export class Demuxer extends Transform {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly tty: boolean) {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.tty) {
      if (chunk.length) this.push({ stream: "stdout", data: chunk } satisfies LogChunk);
      return done();
    }
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 8) {
      const type = this.buffer[0];
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + size) break;
      const data = this.buffer.subarray(8, 8 + size);
      this.buffer = this.buffer.subarray(8 + size);
      // 0 is stdin (never sent back), 1 stdout, 2 stderr (3 is the engine's own error stream for exec).
      if (data.length) this.push({ stream: type === 1 ? "stdout" : "stderr", data: Buffer.from(data) } satisfies LogChunk);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    // A truncated frame can only come from a cut connection: keep its bytes rather than lose them.
    if (this.buffer.length > 8) this.push({ stream: this.buffer[0] === 1 ? "stdout" : "stderr", data: this.buffer.subarray(8) } satisfies LogChunk);
    done();
  }
}

/** Pipes `source` (a stream, or a buffer the engine answered in one piece) through a {@link Demuxer}; destroying the result closes the source. */
export function demux(source: NodeJS.ReadableStream | Buffer, tty: boolean): Demuxer {
  const out = new Demuxer(tty);
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : (source as Readable);
  input.on("error", (err) => out.destroy(err));
  out.on("close", () => {
    if (typeof (input as Readable).destroy === "function") (input as Readable).destroy();
  });
  input.pipe(out);
  return out;
}

/** A progress event that reports failure (`{"error": …, "errorDetail": {"message": …}}`). */
export class ProgressError extends Error {}

interface RawEvent extends ProgressEvent {
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
  readonly aux?: { readonly ID?: string };
}

/**
 * Reads a newline-delimited JSON progress stream to its end. Calls `onEvent` for each event,
 * returns the `aux` payloads (a build's image id), and rejects on the first `error` event.
 */
export function readProgress(stream: NodeJS.ReadableStream, onEvent?: (e: ProgressEvent) => void): Promise<{ auxIds: string[]; lastLines: string[] }> {
  return new Promise((resolve, reject) => {
    let pending = "";
    let failed = false;
    const auxIds: string[] = [];
    const lastLines: string[] = [];
    const handle = (line: string) => {
      if (!line.trim() || failed) return;
      let ev: RawEvent;
      try {
        ev = JSON.parse(line) as RawEvent;
      } catch {
        ev = { stream: `${line}\n` };
      }
      if (ev.error || ev.errorDetail?.message) {
        failed = true;
        const err = new ProgressError((ev.errorDetail?.message || ev.error || "").trim());
        (stream as Readable).destroy?.();
        return reject(Object.assign(err, { lastLines: [...lastLines] }));
      }
      if (ev.aux?.ID) auxIds.push(ev.aux.ID);
      if (ev.stream) for (const l of ev.stream.split("\n")) if (l.trim()) remember(lastLines, l);
      onEvent?.(toEvent(ev));
    };
    stream.on("data", (chunk: Buffer | string) => {
      pending += chunk.toString();
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      lines.forEach(handle);
    });
    stream.on("end", () => {
      handle(pending);
      if (!failed) resolve({ auxIds, lastLines });
    });
    stream.on("error", (err) => {
      if (!failed) reject(err);
    });
  });
}

function remember(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > 20) lines.shift();
}

function toEvent(ev: RawEvent): ProgressEvent {
  const out: { -readonly [K in keyof ProgressEvent]: ProgressEvent[K] } = {};
  if (ev.id !== undefined) out.id = ev.id;
  if (ev.status !== undefined) out.status = ev.status;
  if (ev.progress !== undefined) out.progress = ev.progress;
  if (ev.progressDetail?.current !== undefined) out.current = ev.progressDetail.current;
  if (ev.progressDetail?.total !== undefined) out.total = ev.progressDetail.total;
  if (ev.stream !== undefined) out.stream = ev.stream;
  return out;
}

/** Collects a stream of {@link LogChunk}s into two strings, each capped at `limit` bytes. */
export async function collect(chunks: AsyncIterable<LogChunk>, limit = 1 << 20): Promise<{ stdout: string; stderr: string }> {
  const parts = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const sizes = { stdout: 0, stderr: 0 };
  for await (const c of chunks) {
    const room = limit - sizes[c.stream];
    if (room <= 0) continue;
    const data = c.data.length > room ? c.data.subarray(0, room) : c.data;
    parts[c.stream].push(data);
    sizes[c.stream] += data.length;
  }
  return { stdout: Buffer.concat(parts.stdout).toString("utf8"), stderr: Buffer.concat(parts.stderr).toString("utf8") };
}
