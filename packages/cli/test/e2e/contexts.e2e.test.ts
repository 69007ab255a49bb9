/**
 * Docker contexts pick the engine as the docker CLI does: `--context`, else DOCKER_HOST, else
 * DOCKER_CONTEXT, else the current context of the docker configuration; `-H` and `--context`
 * together are a usage error. A context here points at the private test engine. Wall time ≈ 5 s.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeEngine, dsl } from "./helpers";

describeEngine("docker contexts", () => {
  const engineHost = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
  const config = fs.mkdtempSync(path.join(os.tmpdir(), "berth-docker-config-"));
  const meta = path.join(config, "contexts", "meta", createHash("sha256").update("berth-test").digest("hex"));
  fs.mkdirSync(meta, { recursive: true });
  fs.writeFileSync(
    path.join(meta, "meta.json"),
    JSON.stringify({ Name: "berth-test", Metadata: {}, Endpoints: { docker: { Host: engineHost, SkipTLSVerify: false } } }),
  );
  const nowhere = "unix:///nonexistent/docker.sock";
  const run = (args: string[], env: NodeJS.ProcessEnv) => dsl(args, { env: { DOCKER_CONFIG: config, DOCKER_HOST: "", DOCKER_CONTEXT: "", ...env } });
  const setCurrent = (name: string | undefined) => fs.writeFileSync(path.join(config, "config.json"), JSON.stringify(name ? { currentContext: name } : {}));

  afterAll(() => fs.rmSync(config, { recursive: true, force: true }));

  test("the current context of the docker configuration, unless DOCKER_HOST is set", () => {
    setCurrent("berth-test");
    expect(run(["ls"], {}).code).toBe(0);
    const overridden = run(["ls"], { DOCKER_HOST: nowhere });
    expect(overridden.code).toBe(3);
    expect(overridden.stderr).toContain("/nonexistent/docker.sock");
  });

  test("DOCKER_CONTEXT, and --context even over DOCKER_HOST, as docker does; an unknown one lists the contexts", () => {
    setCurrent(undefined);
    expect(run(["ls"], { DOCKER_CONTEXT: "berth-test" }).code).toBe(0);
    expect(run(["--context", "berth-test", "ls"], { DOCKER_HOST: nowhere }).code).toBe(0);
    const unknown = run(["--context", "nope", "ls"], {});
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`Docker context "nope" not found in ${config} (contexts: default, berth-test)`);
    const both = run(["-H", engineHost, "--context", "berth-test", "ls"], {});
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("either specify a host (-H) or a context");
  });
});
