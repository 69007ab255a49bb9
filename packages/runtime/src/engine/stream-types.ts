/**
 * The engine's interactive and streaming answers: processes attached to (`exec -it`, `run -it`),
 * event streams, process lists. Apart from `types.ts` to keep each file readable.
 */
import type { ExecOptions, LabelFilter, LogStream } from "./types";

/** A terminal's size in character cells. */
export interface TerminalSize {
  readonly rows: number;
  readonly cols: number;
}

export interface AttachOptions extends ExecOptions {
  /** Attach the process's stdin (`docker exec -i`). Default false. */
  readonly stdin?: boolean;
  /** The TTY's initial size (with `tty`). */
  readonly size?: TerminalSize;
}

/** A process attached to: its stdin to write, its output as it comes, its TTY to resize, its exit to await. */
export interface Attached {
  /** The process's stdin (with `stdin`); `end()` closes it. */
  readonly input: NodeJS.WritableStream;
  /** Its output, demultiplexed (with a TTY all of it is `stdout`). */
  readonly output: LogStream;
  /** Resizes its TTY; a no-op without one, and never fails (the process may have exited). */
  resize(size: TerminalSize): Promise<void>;
  /** Resolves with the exit code once the process has ended. */
  wait(): Promise<number>;
  /** Drops the connection (the process goes on). */
  close(): void;
  /** Sends a signal to the process, where the engine can (an attached container; not an exec). */
  readonly kill?: (signal: string) => Promise<void>;
}

/** One event of `GET /events` (`docker events`), reduced. */
export interface EngineEvent {
  /** `container`, `network`, `volume`, `image`, … */
  readonly type: string;
  /** `create`, `start`, `die`, `kill`, `pause`, `exec_start: sh`, … */
  readonly action: string;
  /** The object's id (a volume's name). */
  readonly id: string;
  /** The object's attributes: its labels, `name`, `image`, `exitCode`, `signal`, … */
  readonly attributes: Readonly<Record<string, string>>;
  /** Nanoseconds since the epoch. */
  readonly timeNano: number;
}

export interface EventsOptions {
  /** Every label must match. */
  readonly labels?: LabelFilter;
  /** Unix seconds: events since then (past events are replayed). */
  readonly since?: number;
  /** Unix seconds: the stream ends then. Default: never. */
  readonly until?: number;
}

/** `GET /containers/{id}/top`. */
export interface ProcessList {
  /** Column titles: `UID`, `PID`, `CMD`, … */
  readonly titles: readonly string[];
  /** One row per process, one cell per title. */
  readonly processes: readonly (readonly string[])[];
}
