import fc from "fast-check";
import { parsePortString } from "../src/internal/ports";

const port = fc.integer({ min: 0, max: 65535 });
const protocol = fc.constantFrom("tcp", "udp", "sctp");
const ip = fc.constantFrom(undefined, "127.0.0.1", "0.0.0.0", "[::1]");

test("any host:container port string parses to exactly that mapping", () => {
  fc.assert(
    fc.property(ip, port, port, protocol, (hostIp, host, container, proto) => {
      const text = `${hostIp ? `${hostIp}:` : ""}${host}:${container}/${proto}`;
      expect(parsePortString(text)).toEqual({
        ports: [{ hostIp: hostIp?.replace(/^\[|\]$/g, ""), published: host, target: container, protocol: proto }],
      });
    }),
  );
});

test("a range of n ports expands to n mappings, pairwise in order", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 65000 }), fc.integer({ min: 0, max: 65000 }), fc.integer({ min: 0, max: 30 }), (host, container, extra) => {
      const parsed = parsePortString(`${host}-${host + extra}:${container}-${container + extra}`);
      if (!("ports" in parsed)) throw new Error(parsed.error);
      expect(parsed.ports).toHaveLength(extra + 1);
      parsed.ports.forEach((p, i) => expect([p.published, p.target]).toEqual([host + i, container + i]));
    }),
  );
});

test("ports above 65535 are always rejected", () => {
  fc.assert(
    fc.property(fc.integer({ min: 65536, max: 10_000_000 }), port, (bad, good) => {
      expect(parsePortString(`${bad}:${good}`)).toEqual({ error: `host port ${bad} is outside 0–65535` });
      expect(parsePortString(`${good}:${bad}`)).toEqual({ error: `container port ${bad} is outside 0–65535` });
    }),
  );
});
