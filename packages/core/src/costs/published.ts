// Published figures the model uses. Each is used either to set a cost (calibration) or
// to check the model's results (validation), never both: `validation.ts` holds the
// second kind, and a test keeps the two sets apart.

export interface PublishedFigure {
  readonly id: string;
  /** What was measured, in the source's words where possible. */
  readonly what: string;
  readonly value: number;
  readonly unit: "cycles" | "ratio" | "references" | "percent";
  readonly source: string;
}

const AA06 = "Adams & Agesen, ASPLOS 2006, Pentium 4 672 (Prescott), Table/Fig. of microbenchmarks";
const SUGERMAN01 = 'Sugerman, Venkitachalam & Lim, "Virtualizing I/O Devices on VMware Workstation\'s Hosted Virtual Machine Monitor", USENIX ATC 2001, Table 1';
const KVMARM14 = 'Dall & Nieh, "KVM/ARM: The Design and Implementation of the Linux ARM Hypervisor", ASPLOS 2014, Table 3 (x86 columns)';
const XEN03_FIG3 = 'Barham et al., "Xen and the Art of Virtualization", SOSP 2003, Fig. 3 (VMware Workstation 3.2 against native Linux, 2.4 GHz Xeon)';
const VMLATENCY = "vmlatency measurements (median VM exit + entry round trip per generation, TSC ticks)";

export const PUBLISHED: Readonly<Record<string, PublishedFigure>> = Object.fromEntries(
  (
    [
      // Adams & Agesen 2006: cycles per operation.
      { id: "aa06.native.in", what: "native `in` from port 0x80", value: 3209, unit: "cycles", source: AA06 },
      { id: "aa06.bt.in", what: 'software VMM `in` from port 0x80 (derived: "about 15x faster than native")', value: 214, unit: "cycles", source: AA06 },
      { id: "aa06.hw.in", what: "hardware VMM `in` from port 0x80", value: 15826, unit: "cycles", source: AA06 },
      { id: "aa06.native.cr8wr", what: 'native cr8 write (derived: "about 4x slower than BT")', value: 140, unit: "cycles", source: AA06 },
      { id: "aa06.bt.cr8wr", what: "software VMM cr8 write", value: 35, unit: "cycles", source: AA06 },
      { id: "aa06.hw.cr8wr", what: "hardware VMM cr8 write: about native (no exit)", value: 140, unit: "cycles", source: AA06 },
      { id: "aa06.native.callret", what: "native call/ret", value: 11, unit: "cycles", source: AA06 },
      { id: "aa06.bt.callret", what: "software VMM call/ret", value: 51, unit: "cycles", source: AA06 },
      { id: "aa06.hw.callret", what: "hardware VMM call/ret", value: 11, unit: "cycles", source: AA06 },
      { id: "aa06.native.pgfault", what: "native page fault", value: 1093, unit: "cycles", source: AA06 },
      { id: "aa06.bt.pgfault", what: "software VMM page fault", value: 3927, unit: "cycles", source: AA06 },
      { id: "aa06.hw.pgfault", what: "hardware VMM page fault", value: 11242, unit: "cycles", source: AA06 },
      { id: "aa06.native.divzero", what: "native divide by zero", value: 889, unit: "cycles", source: AA06 },
      { id: "aa06.bt.divzero", what: "software VMM divide by zero", value: 3223, unit: "cycles", source: AA06 },
      { id: "aa06.hw.divzero", what: "hardware VMM divide by zero", value: 1014, unit: "cycles", source: AA06 },
      { id: "aa06.native.ptemod", what: "native page-table entry write", value: 1, unit: "cycles", source: AA06 },
      { id: "aa06.bt.ptemod", what: "software VMM page-table entry write (adaptive BT: a callout)", value: 391, unit: "cycles", source: AA06 },
      { id: "aa06.hw.ptemod", what: "hardware VMM page-table entry write", value: 12733, unit: "cycles", source: AA06 },
      { id: "aa06.bt.syscall", what: "software VMM system call: about 2,000 cycles above native", value: 2000, unit: "cycles", source: AA06 },
      { id: "aa06.hw.syscall", what: "hardware VMM system call: native (ratio to native)", value: 1, unit: "ratio", source: AA06 },
      // Bare VM exit + entry round trips.
      { id: "vmlatency.merom", what: "VM exit + entry round trip, Merom", value: 1681, unit: "cycles", source: VMLATENCY },
      { id: "vmlatency.penryn", what: "VM exit + entry round trip, Penryn", value: 1118, unit: "cycles", source: VMLATENCY },
      { id: "vmlatency.nehalem", what: "VM exit + entry round trip, Nehalem", value: 933, unit: "cycles", source: VMLATENCY },
      { id: "vmlatency.skylake", what: "VM exit + entry round trip, Skylake", value: 608, unit: "cycles", source: VMLATENCY },
      // Handled exits.
      { id: "splitx.nehalem.exit", what: "an exit handled by KVM on Nehalem with EPT, end to end", value: 2000, unit: "cycles", source: 'Landau, Ben-Yehuda, Gordon, "SplitX", WIOV 2011' },
      {
        id: "lkml2020.kvm.exit",
        what: "one KVM exit on AMD, end to end (VMRUN to VMRUN)",
        value: 2528,
        unit: "cycles",
        source: "LKML, 2020: KVM exit latency measurement on AMD (about 1,360 of it VMRUN to #VMEXIT)",
      },
      // Hosted monitors (calibration).
      { id: "sugerman01.io.vmapp", what: "VMware Workstation 2.0: an IN/OUT that switches to VMApp, average (7.45 us on a 733 MHz Pentium III)", value: 5461, unit: "cycles", source: SUGERMAN01 },
      { id: "sugerman01.io.vmm", what: "VMware Workstation 2.0: an IN/OUT handled in the monitor, average (1.36 us on a 733 MHz Pentium III)", value: 997, unit: "cycles", source: SUGERMAN01 },
      { id: "kvmarm14.x86.io.user", what: "KVM on x86 (laptop): an I/O exit emulated in QEMU, user space, round trip", value: 10985, unit: "cycles", source: KVMARM14 },
      { id: "kvmarm14.x86.io.kernel", what: "KVM on x86 (laptop): an I/O exit emulated in the host kernel, round trip", value: 3190, unit: "cycles", source: KVMARM14 },
      // Hosted monitors (validation).
      { id: "kvmarm14.x86server.io.user", what: "KVM on x86 (server): an I/O exit emulated in QEMU, user space, round trip", value: 12218, unit: "cycles", source: KVMARM14 },
      {
        id: "xen03.vmware.specint",
        what: "SPEC CINT2000 run time under VMware Workstation 3.2 relative to native Linux (score 567 native over 554)",
        value: 567 / 554,
        unit: "ratio",
        source: XEN03_FIG3,
      },
      { id: "xen03.vmware.kernelbuild", what: "Linux build time under VMware Workstation 3.2 relative to native Linux (334 s over 263 s)", value: 334 / 263, unit: "ratio", source: XEN03_FIG3 },
      {
        id: "xen03.vmware.specweb",
        what: "SPEC WEB99 under VMware Workstation 3.2: native Linux's score over VMware's (518 over 150), I/O-bound",
        value: 518 / 150,
        unit: "ratio",
        source: XEN03_FIG3,
      },
      // Systems.
      {
        id: "xen03.kernelbuild",
        what: "Xen/Linux kernel build time relative to native Linux",
        value: 1.03,
        unit: "ratio",
        source: 'Barham et al., "Xen and the Art of Virtualization", SOSP 2003, Fig. 3',
      },
      {
        id: "xen03.specint",
        what: "Xen/Linux SPEC CINT2000 score relative to native Linux (compute-bound: within a few percent)",
        value: 1.0,
        unit: "ratio",
        source: "Barham et al., SOSP 2003, Fig. 3",
      },
      {
        id: "bhargava08.pwc",
        what: "guest speed-up from extending the page-walk cache to the nested dimension (low end of 15-38%)",
        value: 15,
        unit: "percent",
        source: "Bhargava, Serebrin, Spadini, Manne, ASPLOS 2008",
      },
      { id: "bhargava08.ntlb", what: "further guest speed-up from a nested TLB (low end of 3-7%)", value: 3, unit: "percent", source: "Bhargava et al., ASPLOS 2008" },
      {
        id: "nested.coldmiss.4x4",
        what: "page-table references of a cold TLB miss under 4-level guest and 4-level host tables, (n+1)(m+1)-1",
        value: 24,
        unit: "references",
        source: "Bhargava et al., ASPLOS 2008 (the two-dimensional walk)",
      },
    ] satisfies PublishedFigure[]
  ).map((f) => [f.id, f]),
);
