/**
 * Command declarations. Each command is a thin call into the runtime; this file only
 * declares names, arguments and flags, and the one error boundary maps failures to exit codes.
 */
import { Command, CommanderError, Option } from "commander";
import { synthCommand } from "./commands/synth";
import { graphCommand, validateCommand } from "./commands/validate";
import { EXIT_INTERNAL, EXIT_OK, EXIT_USER, reportError } from "./errors";
import type { GlobalOptions, Io } from "./io";

declare const BERTH_VERSION: string | undefined;
const VERSION = typeof BERTH_VERSION === "string" ? BERTH_VERSION : "0.0.0-dev";

const STACK_ARG = ["[stack]", "the stack file", "stack.ts"] as const;

type Action = (file: string, opts: never, io: Io) => Promise<void>;

export function buildProgram(io: Io): Command {
  const program = new Command("dsl")
    .description("Berth: describe Docker services as typed code; synthesize compose files and converge engines.")
    .version(VERSION, "-v, --version")
    .option("--json", "machine-readable output and errors on stdout")
    .option("--no-color", "no colors, even on a terminal")
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  program.addHelpText(
    "after",
    `
Examples:
  $ dsl synth                         print docker-compose YAML for ./stack.ts
  $ dsl synth examples/nginx-php/stack.ts -o docker-compose.yml
  $ dsl validate stack.ts             check a stack without touching anything

Exit codes: 0 success, 1 a problem in the stack or the command line, 2 an internal error.`,
  );
  const bind = (action: Action) =>
    async function (this: Command, file: string) {
      await action(file, this.optsWithGlobals() as never, io);
    };

  program
    .command("synth")
    .description("write the stack as a docker-compose file (stdout by default)")
    .argument(...STACK_ARG)
    .option("-o, --output <file>", "write to a file instead of stdout")
    .addOption(new Option("--target <target>", "output format").choices(["compose", "swarm"]).default("compose"))
    .option("--no-cache", "recompile the stack even when it did not change")
    .action(bind(synthCommand as Action));
  program
    .command("validate")
    .description("load and validate the stack; report every problem with its file:line")
    .argument(...STACK_ARG)
    .option("--no-cache", "recompile the stack even when it did not change")
    .action(bind(validateCommand as Action));
  program
    .command("graph")
    .description("print the resource graph (JSON) that every other command works from")
    .argument(...STACK_ARG)
    .option("--no-cache", "recompile the stack even when it did not change")
    .action(bind(graphCommand as Action));
  return program;
}

/** Runs the CLI with `argv` (as `process.argv`); resolves to the exit code. Never calls process.exit. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (help, version, unknown option, suggestion).
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT_OK;
      return err.exitCode === 0 ? EXIT_OK : EXIT_USER;
    }
    const opts = program.opts<GlobalOptions>();
    try {
      return reportError(err, io, opts);
    } catch {
      return EXIT_INTERNAL;
    }
  }
}
