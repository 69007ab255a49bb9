/**
 * The asynchronous part of loading a stack, bounded like the rest: the timers a stack starts
 * (`setTimeout`, `setInterval`, `setImmediate`) and a default export that is a promise.
 *
 * The bundle is given its own timer functions (parameters of its wrapper, so they shadow the
 * globals in the stack and the helper files bundled with it): each timer is recorded with the
 * user's line that started it, and each callback runs under V8's watchdog with what is left of
 * `--load-timeout`, as the top level does. The loader waits until the export settled and no
 * timer is left (one that was `unref()`'d does not count), or the deadline; then every timer
 * the stack started is cleared, so none outlives the load (none keeps Berth running, none makes
 * constructs during an apply).
 */
import * as vm from "node:vm";

/** Where a timer was started, as `file:line:col` in the user's source (from a stack trace). */
export type Locate = (stack: string) => string | undefined;

interface Pending {
  readonly kind: "setTimeout" | "setInterval" | "setImmediate";
  readonly at: string | undefined;
  readonly handle: { hasRef?: () => boolean };
  readonly clear: () => void;
}

/** The names the bundle's wrapper takes, in the order of {@link StackTimers.bindings}. */
export const TIMER_PARAMS = ["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"] as const;

const RUN_CALLBACK = Symbol.for("@berth/runtime.runTimer");
let callbackScript: vm.Script | undefined;

/** What is still unfinished when the deadline passes, for the timeout's message. */
export interface Unfinished {
  readonly exportPending: boolean;
  readonly timers: readonly { readonly kind: string; readonly at: string | undefined }[];
}

export class StackTimers {
  private readonly pending = new Set<Pending>();
  private wake: (() => void) | undefined;
  private stopped = false;
  /** The first exception a callback threw (or the watchdog's timeout inside one). */
  failure: { readonly err: unknown } | undefined;

  constructor(
    private readonly deadline: number,
    private readonly locate: Locate,
  ) {}

  /** The values of {@link TIMER_PARAMS}. */
  bindings(): unknown[] {
    const track = (kind: Pending["kind"], start: (cb: () => void) => Pending["handle"], clear: (h: never) => void, repeats: boolean) => {
      return (callback: unknown, ...rest: unknown[]) => {
        if (typeof callback !== "function") return (globalThis[kind] as (...a: unknown[]) => unknown)(callback, ...rest);
        const at = this.locate(new Error().stack ?? "");
        // The callback needs its own entry, made once the timer has its handle.
        const self: { entry?: Pending } = {};
        const args = kind === "setImmediate" ? rest : rest.slice(1);
        const handle = start(() => {
          if (!repeats && self.entry) this.pending.delete(self.entry);
          this.run(() => (callback as (...a: unknown[]) => void)(...args));
        });
        const entry: Pending = { kind, at, handle, clear: () => clear(handle as never) };
        self.entry = entry;
        if (this.stopped) entry.clear();
        else this.pending.add(entry);
        return handle;
      };
    };
    const delay = (rest: unknown[]) => rest[0] as number | undefined;
    const clearing = (clear: (h: never) => void) => (handle: unknown) => {
      for (const p of this.pending) if (p.handle === handle) this.pending.delete(p);
      clear(handle as never);
      this.poke();
    };
    const timeout = (cb: () => void, ...rest: unknown[]) => setTimeout(cb, delay(rest));
    const interval = (cb: () => void, ...rest: unknown[]) => setInterval(cb, delay(rest));
    return [
      (cb: unknown, ...rest: unknown[]) => track("setTimeout", (f) => timeout(f, ...rest), clearTimeout, false)(cb, ...rest),
      (cb: unknown, ...rest: unknown[]) => track("setInterval", (f) => interval(f, ...rest), clearInterval, true)(cb, ...rest),
      (cb: unknown, ...rest: unknown[]) => track("setImmediate", (f) => setImmediate(f), clearImmediate, false)(cb, ...rest),
      clearing(clearTimeout),
      clearing(clearInterval),
      clearing(clearImmediate),
    ];
  }

  /** Runs a callback of the stack's under the watchdog, with what is left of the load's time. */
  private run(fn: () => void): void {
    if (this.stopped || this.failure) return;
    const slot = vm.runInThisContext("globalThis") as Record<symbol, (() => void) | undefined>;
    slot[RUN_CALLBACK] = fn;
    callbackScript ??= new vm.Script(`globalThis[Symbol.for("@berth/runtime.runTimer")]()`, { filename: "berth:load" });
    try {
      callbackScript.runInThisContext({ timeout: Math.max(1, this.deadline - Date.now()) });
    } catch (err) {
      this.failure = { err };
    } finally {
      slot[RUN_CALLBACK] = undefined;
      this.poke();
    }
  }

  private poke(): void {
    this.wake?.();
  }

  /** Timers that keep the load going: not cleared, not fired (a timeout), not `unref()`'d. */
  private running(): Pending[] {
    return [...this.pending].filter((p) => p.handle.hasRef?.() ?? true);
  }

  /**
   * Waits for `exported` (when it is a promise) and for the stack's timers, until the deadline.
   * Resolves with the settled value; rejects with what the promise or a callback threw;
   * resolves `{ unfinished }` when the deadline passed first. Costs nothing when there is nothing to wait for.
   */
  async settle(exported: unknown): Promise<{ value: unknown } | { unfinished: Unfinished }> {
    const thenable = isThenable(exported);
    if (!thenable && this.running().length === 0) return { value: exported };
    let outcome: { value: unknown } | { error: unknown } | undefined = thenable ? undefined : { value: exported };
    if (thenable) {
      (exported as PromiseLike<unknown>).then(
        (value) => ((outcome = { value }), this.poke()),
        (error: unknown) => ((outcome = { error }), this.poke()),
      );
    }
    for (;;) {
      if (this.failure) throw this.failure.err;
      if (outcome && "error" in outcome) throw outcome.error;
      if (outcome && this.running().length === 0) return outcome;
      const left = this.deadline - Date.now();
      if (left <= 0) return { unfinished: { exportPending: outcome === undefined, timers: this.running().map(({ kind, at }) => ({ kind, at })) } };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 100));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Clears every timer the stack started; a timer started from now on is cleared at once. */
  stop(): void {
    this.stopped = true;
    for (const p of this.pending) p.clear();
    this.pending.clear();
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as { then?: unknown }).then === "function";
}

/** What the timeout message says was still going, e.g. `a timer it started is still running (setInterval at stack.ts:4:1)`. */
export function describeUnfinished(u: Unfinished): string {
  const parts: string[] = [];
  if (u.exportPending) parts.push("its default export is a promise that did not settle");
  if (u.timers.length > 0) {
    const shown = u.timers.slice(0, 3).map((t) => `${t.kind}${t.at ? ` at ${t.at}` : ""}`);
    const more = u.timers.length > 3 ? `, and ${u.timers.length - 3} more` : "";
    const one = u.timers.length === 1;
    parts.push(
      `${one ? "a timer it started is" : `${u.timers.length} timers it started are`} still running (${shown.join(", ")}${more}); clear ${one ? "it" : "them"}, or unref() ${one ? "it" : "them"}`,
    );
  }
  return parts.join("; ");
}
