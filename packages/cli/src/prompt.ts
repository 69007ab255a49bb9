/** Asking the user. Refuses, rather than guesses, when there is no terminal to ask on. */
import { BerthError } from "@berth/runtime";
import type * as Readline from "node:readline";
import type { Io } from "./io";

export class ConfirmationRequired extends BerthError {
  constructor(what: string) {
    super(`refusing to ${what} without confirmation: standard input is not a terminal; pass --yes to ${what} anyway`);
  }
}

export async function confirm(io: Io, question: string, what: string): Promise<boolean> {
  if (!io.stdin || io.stdin.isTTY !== true) throw new ConfirmationRequired(what);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const readline = require("node:readline") as typeof Readline; // only when asking: not on every start
  const rl = readline.createInterface({ input: io.stdin, output: io.stdout });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
