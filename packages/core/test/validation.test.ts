// The model against published results it was not calibrated on. Each row's tolerance is
// in validation.ts, fixed before its modeled value was looked at; the rows below that
// fail are reported as failing (by `vmlab validate` and the reports), each for a stated
// reason, and this test fails if any other row leaves its tolerance or one of these
// comes back inside it (then the list is out of date).
import { describe, expect, it } from "vitest";
import { validateModel, VALIDATION } from "../src/index.js";
import { builtinModules } from "./helpers.js";

const KNOWN_FAILING: Readonly<Record<string, string>> = {
  "aa06.native.pgfault": "vmlab's page-fault is a demand-zero fault: the kernel zeroes a 4 KiB page and writes a page-table entry, several times Adams & Agesen's fault",
  "aa06.bt.pgfault": "the same demand-zero fault, and its page-table write traced",
  "aa06.hw.pgfault": "the same, with first-generation VT-x exits for the fault, the traced write and the hidden fault (Adams & Agesen's fault took one)",
  "bhargava08.pwc": "tlb-pressure is a TLB-miss microbenchmark: the walk caches save far more there than on Bhargava et al.'s whole benchmarks",
  "xen03.vmware.kernelbuild":
    "vmlab's kernel-build makes a system call per word it computes, far more than Linux's build: binary translation's reflected system calls (Adams & Agesen's ~2,000 cycles each) make it 4.3x native on bare metal already; the host crossings add 1.5%",
};

describe("validation", async () => {
  const modules = await builtinModules();
  const results = validateModel(modules);

  it("has a modeled value for every row", () => {
    expect(results).toHaveLength(VALIDATION.length);
    for (const r of results) expect(Number.isFinite(r.modeledValue), r.figure.id).toBe(true);
  });

  for (const r of results) {
    const known = KNOWN_FAILING[r.figure.id];
    it(`${r.figure.id}: ${known ? "outside its tolerance, for a stated reason" : "within its tolerance"} (modeled ${r.modeledValue.toFixed(2)}, published ${r.figure.value})`, () => {
      expect(r.pass).toBe(r.ratio >= r.tolerance[0] && r.ratio <= r.tolerance[1]);
      expect(r.pass, known ?? `${r.modeled}: ratio ${r.ratio.toFixed(2)} outside ${r.tolerance.join("-")}`).toBe(known === undefined);
    });
  }
});
