/** Why `dsl apply` refuses a compose key of `extra` that the compose target does not apply. */

/** Keys docker-compose 1.29 (the compose Berth matches) refuses too: lifecycle hooks came with compose v2.30. */
const UNKNOWN_TO_COMPOSE_1_29: ReadonlySet<string> = new Set(["post_start", "pre_stop"]);

/** The problem for `extra.<key>`, with what to do instead. */
export function refusedKey(key: string): string {
  if (UNKNOWN_TO_COMPOSE_1_29.has(key)) {
    return (
      `extra.${key}: dsl apply does not apply this compose key on the compose target: it is a lifecycle hook, which docker-compose 1.29 refuses too ` +
      `("Unsupported config option"; docker compose v2.30 or newer runs it); remove it, run the command from the container's entrypoint, ` +
      `or deploy the synthesized file with docker compose v2.30+`
    );
  }
  return `extra.${key}: dsl apply does not apply this compose key on the compose target (synth writes it, docker compose would honour it); remove it, or deploy the synthesized file with docker compose`;
}
