/**
 * Command declarations. Each command is a thin call into the runtime; this file only
 * declares names, arguments and flags, and the one error boundary maps failures to exit codes.
 */
import { Command, CommanderError, Option } from "commander";
import { applyCommand, destroyCommand } from "./commands/apply";
import { buildCommand, pushCommand } from "./commands/build";
import { checkCommand, withTypecheck } from "./commands/check";
import { controlCommand, execCommand, logsCommand, psCommand, runCommand } from "./commands/day2";
import { diffCommand } from "./commands/diff";
import { cpCommand, eventsCommand, imagesCommand, lsCommand, portCommand, rmCommand, topCommand } from "./commands/verbs";
import { importCommand } from "./commands/import";
import { initCommand } from "./commands/init";
import { pullCommand } from "./commands/pull";
import { synthCommand } from "./commands/synth";
import { unlockCommand } from "./commands/unlock";
import { watchCommand } from "./commands/watch";
import { graphCommand, validateCommand } from "./commands/validate";
import { parseDuration, setLoadTimeout } from "./engine";
import { EXIT_OK, EXIT_USER, reportError } from "./errors";
import { redactingIo } from "./redact";
import type { GlobalOptions, Io } from "./io";

declare const BERTH_VERSION: string | undefined;
const VERSION = typeof BERTH_VERSION === "string" ? BERTH_VERSION : "0.0.0-dev";

const STACK_ARG = ["[stack]", "the stack file (default: -f, else ./stack.ts)"] as const;
const SERVICES_ARG = ["[stack|service...]", "service names, and the stack file (*.ts, *.mts, *.js, *.mjs; default: -f, else ./stack.ts)"] as const;
const NO_DEPS = ["--no-deps", "only the named services, not the services they depend on"] as const;

/** Each action resolves to its exit code (void = 0). */
type Action = (...args: never[]) => Promise<number | void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

const targetOption = () =>
  new Option(
    "--target <target>",
    "deploy to a compose engine, or to a Docker Swarm (stack → services → tasks) (default: the stack's target, else compose)",
  ).choices(["compose", "swarm"]);

function declareGlobals(program: Command, io: Io): Command {
  return program
    .description("Berth: describe Docker services as typed code; synthesize compose files and converge engines.")
    .version(VERSION, "-v, --version")
    .option("-f, --file <stack>", "the stack file", undefined)
    .option("-p, --project <name>", "project name (default: the stack's name)")
    .option("-H, --host <url>", "Docker Engine to talk to (default: the Docker context, else $DOCKER_HOST, else the local socket)")
    .option(
      "--context <name>",
      "Docker context to use, as docker --context (default: $DOCKER_CONTEXT, else docker's current context, unless $DOCKER_HOST is set)",
    )
    .option("--profile <name>", "enable services of this profile (repeatable)", collect)
    .addOption(setOption())
    .addOption(stageOption())
    .option("--json", "machine-readable output and errors on stdout")
    .option("--no-color", "no colors, even on a terminal")
    .option("--load-timeout <duration>", "stop a stack file that runs longer than this (an endless loop)", "10s")
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  $ dsl synth                          print docker-compose YAML for ./stack.ts
  $ dsl diff examples/nginx-php/stack.ts
  $ dsl apply --yes                    converge the engine to ./stack.ts
  $ dsl logs -f web                    follow a service's output
  $ dsl destroy --volumes              remove everything, data included

Exit codes: 0 success, 1 a problem in the stack or the command line, 2 an internal error,
3 the Docker engine could not be reached or refused (diff --exit-code: 0 no changes, 1 error,
2 changes).`,
    );
}

const setOption = () =>
  new Option("--set <key=value>", "a context value the stack reads with context(key) (repeatable; wins over the stage file)").argParser(collect);
const stageOption = () => new Option("--stage <name>", "the stage stage() names; its context values are read from berth.<name>.json beside the stack");

/** Commands that run no stack file take no context. */
const NO_STACK = new Set(["import", "init", "check", "help", "ls"]);

/** `--set` and `--stage` also after the command (`dsl synth --set tag=2`), as well as before it. */
function declareContextFlags(program: Command): void {
  for (const cmd of program.commands) if (!NO_STACK.has(cmd.name())) cmd.addOption(setOption()).addOption(stageOption());
}

/** The command's options with the globals; `--set` given before and after the command are both kept (the later wins per key). */
function withContextFlags(cmd: Command): Record<string, unknown> {
  const opts = cmd.optsWithGlobals();
  const set = [...((cmd.parent?.opts().set as string[] | undefined) ?? []), ...((cmd.opts().set as string[] | undefined) ?? [])];
  return set.length > 0 ? { ...opts, set } : opts;
}

function applyFlags(cmd: Command): Command {
  return cmd
    .option("-y, --yes", "do not ask for confirmation (required without a terminal)")
    .option("--dry-run", "show the plan and stop")
    .option("--parallel <n>", "at most n engine operations at once", "8")
    .option("--lock-timeout <duration>", "wait this long for another apply on the project to finish", "0s");
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = declareGlobals(new Command("dsl"), io);
  const bind = (action: Action, arity: number) =>
    async function (this: Command, ...args: unknown[]) {
      setLoadTimeout(parseDuration((this.optsWithGlobals() as { loadTimeout?: string }).loadTimeout, "--load-timeout"));
      const code = await (action as (...a: unknown[]) => Promise<number | void>)(...args.slice(0, arity), withContextFlags(this), io);
      setExit(typeof code === "number" ? code : EXIT_OK);
    };

  program
    .command("synth")
    .description("write the stack as a docker-compose file (stdout by default)")
    .argument(...STACK_ARG)
    .option("-o, --output <file>", "write to a file instead of stdout")
    .addOption(new Option("--target <target>", "output format: a compose file, or a Swarm stack file for docker stack deploy -c").choices(["compose", "swarm"]))
    .option("--write-env-file <file>", "write the sensitive values into this env file (mode 0600; never commit it) and name it under env_file:")
    .option("--inline-sensitive", "write the sensitive values into the output itself instead of ${VAR} references (unsafe to commit)")
    .option("--no-cache", "recompile the stack even when it did not change")
    .option("--typecheck", "type-check the stack first (dsl check) and stop on a type error")
    .action(bind(withTypecheck(synthCommand) as Action, 1));
  program
    .command("validate")
    .description("load and validate the stack; report every problem with its file:line")
    .argument(...STACK_ARG)
    .option("--no-cache", "recompile the stack even when it did not change")
    .action(bind(validateCommand as Action, 1));
  program
    .command("graph")
    .description("print the resource graph (JSON) every other command works from, or a picture of it")
    .argument(...STACK_ARG)
    .addOption(
      new Option("--format <format>", "json (the graph), or a picture: mermaid, dot (Graphviz), svg, html (one self-contained page)")
        .choices(["json", "mermaid", "dot", "svg", "html"])
        .default("json"),
    )
    .action(bind(graphCommand as Action, 1));

  program
    .command("check")
    .description("type-check the stack against the DSL; print each problem at its file:line:col")
    .argument(...STACK_ARG)
    .option("--no-cache", "check again even when nothing changed since the last check")
    .action(bind(checkCommand as Action, 1));
  program
    .command("import")
    .description("turn a docker-compose file into a typed stack.ts")
    .argument("<compose-file>")
    .option("-o, --output <file>", "where to write the stack (- for stdout)", undefined)
    .option("--project <name>", "project name (default: the file's name:, else its folder's name)")
    .option("--force", "overwrite an existing output file")
    .action(bind(importCommand as Action, 1));
  program
    .command("init")
    .description("scaffold stack.ts (importing the compose file found there) and a tsconfig.json for editor completion")
    .argument("[dir]", "the folder", ".")
    .option("--project <name>", "project name (default: the folder's name)")
    .option("--force", "overwrite an existing stack.ts")
    .action(bind(initCommand as Action, 1));

  program
    .command("diff")
    .description("show what apply would change on the engine (for all services, or the named ones and their dependencies), changing nothing")
    .argument(...SERVICES_ARG)
    .option(...NO_DEPS)
    .option("--exit-code", "exit 2 when there are changes, 0 when none")
    .option("--scale <service=n>", "plan n containers of the service instead of the stack's replicas (repeatable)", collect)
    .option("--force-recreate", "plan to recreate every container")
    .option("--volumes", "plan to remove volumes the stack no longer declares")
    .option("--out <file>", "also save the plan there (JSON, no secret in it): dsl apply <file> applies exactly it")
    .addOption(targetOption())
    .action(bind(diffCommand as Action, 1));
  applyFlags(
    program
      .command("apply")
      .alias("up")
      .description(
        "preview, confirm, then converge the engine to the stack (all services, or the named ones and their dependencies), or run a plan saved by dsl diff --out, exactly",
      )
      .argument("[stack|plan|service...]", "service names, and the stack file (default: -f, else ./stack.ts) or a saved plan (*.json)"),
  )
    .option(...NO_DEPS)
    .option("--force-recreate", "recreate every container even when nothing changed")
    .option("--build", "build images of built services even when they exist")
    .addOption(
      new Option("--pull <policy>", "pull images: always, missing, never (default: each service's pull policy)").choices(["always", "missing", "never"]),
    )
    .option("--scale <service=n>", "run n containers of the service instead of the stack's replicas, until the next apply without it (repeatable)", collect)
    .option("--wait", "return only when every service applied is ready: healthy when it has a healthcheck, else running")
    .option("--wait-timeout <duration>", "how long to wait for a dependency (or, with --wait, every service) to be healthy / completed", "300s")
    .option("--volumes", "also remove volumes the stack no longer declares")
    .option("--typecheck", "type-check the stack first (dsl check) and stop on a type error")
    .addOption(targetOption())
    .action(bind(withTypecheck(applyCommand) as Action, 1));
  applyFlags(
    program
      .command("destroy")
      .alias("down")
      .description("remove the project's containers and networks (volumes only with --volumes); or only the named services' containers")
      .argument(...SERVICES_ARG),
  )
    .option(
      "--volumes",
      "also remove the project's named volumes and its containers' anonymous ones; with services named, only their anonymous ones (their data is lost)",
    )
    .addOption(targetOption())
    .action(bind(destroyCommand as Action, 1));
  program
    .command("watch")
    .description("apply, then apply again whenever the stack or a module it imports changes (--yes implied; Ctrl-C stops watching, the stack keeps running)")
    .argument(...STACK_ARG)
    .option("--debounce <ms>", "wait this long after a change for more before applying", "200")
    .option("--parallel <n>", "at most n engine operations at once", "8")
    .option("--lock-timeout <duration>", "wait this long for another apply on the project to finish", "0s")
    .option("--wait-timeout <duration>", "how long to wait for a dependency to be healthy / completed", "300s")
    .option("--build", "build images of built services even when they exist")
    .addOption(targetOption())
    .action(bind(watchCommand as Action, 1));
  program
    .command("unlock")
    .description("show who holds the project's apply lock and for how long; remove it when its holder is gone (--force: in any case)")
    .option("--force", "also break a lock whose holder may be alive (another host, or a running process)")
    .action(bind(unlockCommand as Action, 0));

  program
    .command("build")
    .description("build the images of the services that have a build (all, or the services named)")
    .argument("[service...]")
    .option("--no-cache", "build without the engine's layer cache")
    .option("--pull", "pull a newer version of each base image first")
    .action(bind(buildCommand as Action, 1));
  program
    .command("push")
    .description("push the images of the services that have a build (all, or the services named) with your registry credentials")
    .argument("[service...]")
    .action(bind(pushCommand as Action, 1));
  program
    .command("ps")
    .description("list the project's services (or the named ones and their dependencies) and their containers (swarm: stack → service → tasks)")
    .argument(...SERVICES_ARG)
    .option(...NO_DEPS)
    .addOption(targetOption())
    .action(bind(psCommand as Action, 1));
  program
    .command("logs")
    .description("show the output of the project's containers (all, or the named services' and their dependencies')")
    .argument(...SERVICES_ARG)
    .option(...NO_DEPS)
    .option("-f, --follow", "keep following new output")
    .option("-n, --tail <lines>", "lines from the end of each container's output", "all")
    .option("--since <when>", "only output since then: a duration before now (10m, 1h30m), a date (2024-05-01T10:00:00Z) or unix seconds")
    .option("-t, --timestamps", "show timestamps")
    .action(bind(logsCommand as Action, 1));
  program
    .command("exec")
    .description("run a command in a running service container")
    .argument("<service>")
    .argument("[command...]", "the command (after --)")
    .option("--index <n>", "which container of the service", "1")
    .option("-i, --interactive", "keep stdin attached (default: when stdin is a terminal)")
    .option("-t, --tty", "allocate a TTY (default: when stdin is a terminal)")
    .option("-T, --no-tty", "do not allocate a TTY")
    .option("-u, --user <user>", "run as this user")
    .option("-w, --workdir <dir>", "working directory inside the container")
    .option("-e, --env <KEY=VALUE>", "set an environment variable (repeatable)", collect)
    .passThroughOptions()
    .action(bind(execCommand as Action, 2));
  program
    .command("run")
    .description("run a command in a new one-off container of a service (its networks must exist: dsl apply first)")
    .argument("<service>")
    .argument("[command...]", "the command (after --); default: the service's own")
    .option("--rm", "remove the container when the command has exited")
    .option("-i, --interactive", "keep stdin attached (default: when stdin is a terminal)")
    .option("-t, --tty", "allocate a TTY (default: when stdin is a terminal)")
    .option("-T, --no-tty", "do not allocate a TTY")
    .option("-u, --user <user>", "run as this user")
    .option("-w, --workdir <dir>", "working directory inside the container")
    .option("-e, --env <KEY=VALUE>", "set an environment variable (repeatable)", collect)
    .passThroughOptions()
    .action(bind(runCommand as Action, 2));
  for (const action of ["stop", "start", "restart"] as const) {
    const cmd = program.command(action).argument(...SERVICES_ARG);
    if (action === "stop") cmd.description("stop the project's containers (all, or only the services named: never what they depend on)");
    else cmd.description(`${action} the project's containers (all, or the services named and their dependencies)`).option(...NO_DEPS);
    cmd.action(bind(((services: string[], opts: never, io2: Io) => controlCommand(action, services, opts, io2)) as Action, 1));
  }
  declareVerbs(program, bind);
  declareContextFlags(program);
  return program;
}

/** kill, pause, unpause, top, port, images, ls, rm, cp. */
function declareVerbs(program: Command, bind: (action: Action, arity: number) => (...args: unknown[]) => Promise<void>): void {
  program
    .command("kill")
    .description("send a signal to the containers' main processes (all, or only the services named)")
    .argument(...SERVICES_ARG)
    .option("-s, --signal <signal>", "the signal", "SIGKILL")
    .action(bind(((services: string[], opts: never, io: Io) => controlCommand("kill", services, opts, io)) as Action, 1));
  for (const action of ["pause", "unpause"] as const) {
    program
      .command(action)
      .description(`${action} the project's containers (all, or only the services named)`)
      .argument(...SERVICES_ARG)
      .action(bind(((services: string[], opts: never, io: Io) => controlCommand(action, services, opts, io)) as Action, 1));
  }
  program
    .command("top")
    .description("show the processes running in the project's containers (all, or the services named)")
    .argument(...SERVICES_ARG)
    .action(bind(topCommand as Action, 1));
  program
    .command("port")
    .description("print the host address a container port of a service is published on")
    .argument("<service>")
    .argument("<port>", "the container port")
    .addOption(new Option("--protocol <protocol>", "the port's protocol").choices(["tcp", "udp", "sctp"]).default("tcp"))
    .option("--index <n>", "which container of the service", "1")
    .action(bind(portCommand as Action, 2));
  program
    .command("images")
    .description("list the images the project's containers run (all, or the services named)")
    .argument(...SERVICES_ARG)
    .action(bind(imagesCommand as Action, 1));
  program
    .command("ls")
    .description("list every compose project on the engine (made by Berth or by docker compose)")
    .action(bind(lsCommand as Action, 0));
  program
    .command("rm")
    .description("remove the project's stopped containers (all, or the services named)")
    .argument(...SERVICES_ARG)
    .option("-f, --force", "do not ask for confirmation")
    .option("-y, --yes", "do not ask for confirmation")
    .option("-s, --stop", "stop running containers first, and remove them too")
    .option("-v, --volumes", "also remove their anonymous volumes")
    .action(bind(rmCommand as Action, 1));
  program
    .command("pull")
    .description("pull the images of the services (all, or the named ones) from their registries; services with a build are left to dsl build")
    .argument(...SERVICES_ARG)
    .action(bind(pullCommand as Action, 1));
  program
    .command("events")
    .description("print the engine's events for the project's containers as they happen (--json: one object a line); until Ctrl-C or --until")
    .argument(...SERVICES_ARG)
    .option("--since <when>", "also past events since then: a duration before now (10m), a date or unix seconds")
    .option("--until <when>", "stop then: a date or unix seconds (or a duration before now)")
    .action(bind(eventsCommand as Action, 1));
  program
    .command("cp")
    .description("copy files between a service's container and the host: dsl cp web:/etc/app.conf . | dsl cp ./conf web:/etc/app")
    .argument("<from>", "SERVICE:PATH or a host path")
    .argument("<to>", "SERVICE:PATH or a host path")
    .option("--index <n>", "which container of the service", "1")
    .action(bind(cpCommand as Action, 2));
}

/** Runs the CLI with `argv` (as `process.argv`); resolves to the exit code. Never calls process.exit. */
export async function run(argv: readonly string[], rawIo: Io): Promise<number> {
  // Every byte the CLI writes passes the redactor: a loaded stack's secrets never reach the terminal.
  const io = redactingIo(rawIo);
  let exit = EXIT_OK;
  const program = buildProgram(io, (code) => (exit = code));
  try {
    await program.parseAsync([...argv]);
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (help, version, unknown option, suggestion).
      return err.exitCode === 0 || err.code === "commander.helpDisplayed" || err.code === "commander.version" ? EXIT_OK : EXIT_USER;
    }
    const opts = program.opts<GlobalOptions & { exitCode?: boolean }>();
    const code = reportError(err, io, opts);
    // diff --exit-code: 1 for any error, 2 is reserved for "changes".
    return argv.includes("--exit-code") ? EXIT_USER : code;
  }
}
