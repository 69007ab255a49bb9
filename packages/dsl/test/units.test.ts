import { normalizeCpus, normalizeDuration, parseBytes } from "../src/internal/units";

test.each([
  ["30s", "30s"],
  ["90s", "1m30s"],
  ["1m30s", "1m30s"],
  ["500ms", "500ms"],
  ["1h2m3s4ms", "1h2m3s4ms"],
  ["1.5s", "1s500ms"],
  [0, "0s"],
  [30, "30s"],
  [0.25, "250ms"],
  [3600, "1h"],
])("duration %p is normalized to %p", (input, expected) => {
  expect(normalizeDuration(input)).toBe(expected);
});

test.each(["30", "5 seconds", "1d", "", "s", -1, Number.NaN])("duration %p is rejected", (input) => {
  expect(normalizeDuration(input)).toBeUndefined();
});

test.each([
  ["512M", 512 * 1024 ** 2],
  ["1g", 1024 ** 3],
  ["1GB", 1024 ** 3],
  ["64kb", 64 * 1024],
  ["100b", 100],
  ["1.5g", 1.5 * 1024 ** 3],
  [1048576, 1048576],
  ["2048", 2048],
])("byte size %p is %p bytes", (input, expected) => {
  expect(parseBytes(input)).toBe(expected);
});

test.each(["lots", "1q", "-1m", -5, 1.5])("byte size %p is rejected", (input) => {
  expect(parseBytes(input)).toBeUndefined();
});

test("cpus become compose strings", () => {
  expect(normalizeCpus(0.5)).toBe("0.5");
  expect(normalizeCpus("1.50")).toBe("1.5");
  expect(normalizeCpus(2)).toBe("2");
  expect(normalizeCpus("half")).toBeUndefined();
  expect(normalizeCpus(-1)).toBeUndefined();
});
