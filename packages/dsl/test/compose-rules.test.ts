// Wall time: ~1 s (pure: no I/O).
/** Graph rules for what compose or the engine would refuse and the compose schema cannot say. */
import { Service, Stack, Volume, openSession } from "@berth/dsl";
import { isImageReference, isIpAddress } from "../src/internal/rules-compose";
import { at, problemLines } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

test.each([
  "nginx",
  "nginx:1.27",
  "library/nginx:latest",
  "registry.local:5000/team/web_app:1.0-rc.1",
  `ghcr.io/org/app@sha256:${"a".repeat(64)}`,
  "registry.example.com/app@sha256:abc",
  "a__b/c-d",
])("%s is an image reference", (image) => expect(isImageReference(image)).toBe(true));

test.each(["", "Nginx", "nginx:Latest Version", "nginx:", ":1.0", "-nginx", "nginx:1.0@sha256:xyz", "nginx@sha256", "a/b//c"])(
  "%j is not an image reference",
  (image) => expect(isImageReference(image)).toBe(false),
);

test.each(["127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fe80::1", "2001:db8::8a2e:370:7334", "::ffff:192.168.0.1"])("%s is an IP address", (ip) =>
  expect(isIpAddress(ip)).toBe(true),
);

test.each(["localhost", "80", "1.2.3.999", "1.2.3", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", ""])("%j is not an IP address", (ip) =>
  expect(isIpAddress(ip)).toBe(false),
);

test("mount targets must be absolute and used once; container names unique; host IPs addresses", () => {
  const stack = new Stack("app");
  const data = new Volume("data");
  new Service("a", { image: "nginx", containerName: "x", volumes: [{ source: data, target: "data" }, "./a:/srv", { type: "tmpfs", target: "/srv" }] }); // first
  new Service("b", { image: "nginx", containerName: "x", ports: ["localhost:80:80", "8080-8081:80-81", "1.2.3.999:90:90"] }); // second
  expect(problemLines(stack)).toEqual([
    `${at(__filename, "first")}3: service "a": volumes[0].target "data": the container path must be absolute (e.g. "/data")`,
    `${at(__filename, "first")}3: service "a": volumes[2].target "/srv": mounts on the same target as volumes[1]; each container path takes one mount`,
    `${at(__filename, "second")}3: service "b": ports[0].hostIp "localhost": host address must be an IPv4 or IPv6 address (e.g. "127.0.0.1"), not a host name or port`,
    `${at(__filename, "second")}3: service "b": ports[2].hostIp "1.2.3.999": host address must be an IPv4 or IPv6 address (e.g. "127.0.0.1"), not a host name or port`,
    `${at(__filename, "second")}3: service "b": containerName "x": service "a" (${at(__filename, "first")}3) has the same containerName; container names are unique on an engine`,
  ]);
});
