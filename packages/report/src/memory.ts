// `vmlab memory`: the picture of a VM's memory (core's memoryPicture) as text, one row
// per mapped page, the spaces left to right as the OSTEP VMM chapter draws them:
// process VPN -> guest page table PFN -> monitor's pmap MFN, and the real structure
// that connects VPN (or PFN) to MFN beside them.
import { TraceLog, type MemoryPicture, type PicturePage, type PictureTlbEntry, type TraceEvent } from "@vmlab/core";
import { lastProcessEvent, traceStepStarts, type TraceStart } from "./trace.js";
import { hex } from "@vmlab/isa";

/** Frame numbers as the picture draws them: five hex digits at least. */
const frameHex = (n: number, digits = 5): string => hex(n, digits);

/** Where a picture is taken: after trace step `step` (numbered from `start`, as `vmlab trace` numbers them), or by default after the last step of a user process. */
export interface MemoryMoment {
  readonly step?: number;
  readonly start?: TraceStart;
  readonly all?: boolean;
}

/**
 * How many of a run's `events` to let the run record so that it stops at `moment`,
 * and that moment in words; a string (the reason) when the run has no such step.
 */
export function memoryMomentLimit(events: readonly TraceEvent[], moment: MemoryMoment): { limit: number; description: string } | string {
  if (moment.step === undefined) {
    const last = lastProcessEvent(events);
    if (last < 0) return "no user process ran in this run";
    return { limit: last + 1, description: "after the last step of a user process" };
  }
  const starts = traceStepStarts(events, { start: moment.start ?? "user", ...(moment.all ? { all: true } : {}) });
  const steps = starts.length - 1;
  if (steps === 0) return `no ${moment.start ?? "user"} event in this run`;
  if (moment.step > steps) return `step ${moment.step} is past the end of the run (it has ${steps.toLocaleString("en-US")} steps from the first ${moment.start ?? "user"} event)`;
  return { limit: starts[moment.step]!, description: `after step ${moment.step}${moment.start && moment.start !== "user" ? ` (counted from the first ${moment.start} event)` : ""}` };
}

/**
 * What a run stopped for a picture really shows. A run stops only where its loop looks at
 * the trace log, when the guest is next resumed, so a step that ends in a trap is followed
 * by the monitor's handling of it (the next steps, up to the resume) before the run stops:
 * after step 3's trapped RTE, the picture shows the return step 4 made. `emitted` is how
 * many events the stopped run emitted; the words name the steps it went through.
 */
export function momentReached(events: readonly TraceEvent[], moment: MemoryMoment, at: { readonly limit: number; readonly description: string }, emitted: number): string {
  if (emitted <= at.limit) return at.description;
  const starts = traceStepStarts(events, { start: moment.start ?? "user", ...(moment.all ? { all: true } : {}) });
  let reached = 0;
  while (reached < starts.length - 1 && starts[reached]! < emitted) reached++;
  const asked = moment.step ?? starts.findIndex((s) => s >= at.limit);
  if (reached <= asked) return at.description;
  const more = reached - asked;
  const through = moment.step === undefined ? (more === 1 ? "the next step" : `the next ${more} steps`) : more === 1 ? `step ${reached}` : `steps ${asked + 1} to ${reached}`;
  return `${at.description}, with ${through} done too (a run can stop only where the guest is resumed)`;
}

/**
 * Runs a run again (`run`, given the log to record into) so that it stops at `moment`
 * of its first run's `events`, and says what the stopped run shows; a string (the
 * reason) when the run has no such moment.
 */
export function runToMoment<R>(events: readonly TraceEvent[], moment: MemoryMoment, run: (log: TraceLog) => R): { readonly stopped: R; readonly description: string } | string {
  const at = memoryMomentLimit(events, moment);
  if (typeof at === "string") return at;
  const log = new TraceLog(at.limit);
  const stopped = run(log);
  return { stopped, description: momentReached(events, moment, at, log.emitted) };
}

const CONNECTION_HEADS: Record<MemoryPicture["connection"], [string, string]> = {
  shadow: ["shadow page table", "VPN -> MFN"],
  mirror: ["mirror tables", "VPN -> MFN"],
  nested: ["nested (host) tables", "PFN -> MFN"],
  "software-tlb": ["real TLB", "VPN -> MFN"],
  none: ["", ""],
};

const MISSING: Record<MemoryPicture["connection"], string> = {
  shadow: "not filled yet (a hidden fault fills it on first touch)",
  mirror: "not copied yet (filled on first touch)",
  nested: "no host entry",
  "software-tlb": "not in the TLB (a miss refills it)",
  none: "",
};

function connectedCell(p: MemoryPicture, page: PicturePage): string {
  if (page.connected === undefined || p.connection === "none") return "";
  if (page.connected === null) return MISSING[p.connection];
  const from = p.connection === "nested" ? page.pfn : page.vpn;
  const agrees = page.connected === page.mfn ? "" : "   (not the pmap's MFN!)";
  return `${frameHex(from)} -> ${frameHex(page.connected)}${agrees}`;
}

/** The picture as text: a heading, one row per page, a summary, and on software-TLB profiles the virtual TLB. */
export function memoryPictureText(p: MemoryPicture, heading: string): string {
  const out: string[] = [heading];
  const proc = p.process;
  const others = p.processes.filter((x) => x !== proc).map((x) => `${x.pid} (${x.state})`);
  const table = p.guestTables === "software TLB" ? "its page table (kept by the kernel, refilled into the software TLB)" : "its page table";
  out.push(
    `process ${proc.pid} (${proc.state}${proc.current ? ", current" : ""}): ${table} at guest-physical ${frameHex(proc.root, 8)}${others.length ? `; other live processes: ${others.join(", ")}` : ""}`,
  );
  if (p.monitor) {
    const mfns = p.pages.map((x) => x.mfn).filter((m) => m >= 0);
    out.push(`guest memory: ${p.guestFrames} frames, scattered by the monitor's pmap over a machine of ${p.machineFrames} frames (memory strategy: ${p.memory})`);
    if (mfns.length > 1) {
      const consecutive = p.pages.filter((x, i) => i > 0 && x.pfn === p.pages[i - 1]!.pfn + 1 && x.mfn === p.pages[i - 1]!.mfn + 1).length;
      const pairs = p.pages.filter((x, i) => i > 0 && x.pfn === p.pages[i - 1]!.pfn + 1).length;
      if (pairs > 0) {
        const chunks = p.connection === "nested" && consecutive > 0 ? " (for nested paging with large pages the monitor hands out aligned large-page chunks, each mapped by one host entry)" : "";
        out.push(`of ${pairs} pairs of consecutive guest frames here, ${consecutive} are consecutive in machine memory${chunks}`);
      }
    }
  } else {
    out.push("no monitor's pmap: guest-physical frames are the machine's own (bare metal, or a whole-machine emulator)");
  }
  if (p.pages.length === 0) {
    out.push("", "(the process maps no page at this moment)");
    return `${out.join("\n")}\n`;
  }
  const [connHead, connSub] = CONNECTION_HEADS[p.connection];
  const heads = ["process", p.guestTables === "software TLB" ? "kernel's page table" : "guest page table", p.monitor ? "monitor's pmap" : "", connHead];
  const subs = ["VPN", "PFN", p.monitor ? "MFN" : "", connSub];
  const rows = p.pages.map((page) => [frameHex(page.vpn), frameHex(page.pfn), p.monitor ? (page.mfn < 0 ? "(past the guest's memory)" : frameHex(page.mfn)) : "", connectedCell(p, page)]);
  const shown = p.monitor ? [0, 1, 2, 3] : [0, 1];
  out.push(
    "",
    ...columns(
      [heads, subs, ...rows].map((r) => shown.map((c) => r[c]!)),
      2,
      2,
    ),
  );
  const filled = p.pages.filter((x) => x.connected !== undefined && x.connected !== null).length;
  const agreeing = p.pages.filter((x) => x.connected !== undefined && x.connected !== null && x.connected === x.mfn).length;
  const summary = [`${p.pages.length} page${p.pages.length === 1 ? "" : "s"} mapped`];
  if (p.connection !== "none") {
    const what =
      p.connection === "software-tlb"
        ? "in the real TLB"
        : p.connection === "nested"
          ? "with a host entry"
          : `${p.connection === "mirror" ? "copied into the mirror tables" : "filled in the shadow table"}`;
    summary.push(`${filled} ${what}${filled > 0 ? (agreeing === filled ? ", every one the pmap's MFN" : `, ${filled - agreeing} NOT the pmap's MFN`) : ""}`);
  }
  out.push("", summary.join("; "));
  if (p.virtualTlb) out.push("", ...virtualTlbText(p.virtualTlb));
  return `${out.join("\n")}\n`;
}

function virtualTlbText(entries: readonly PictureTlbEntry[]): string[] {
  if (entries.length === 0) return ["virtual TLB (what the guest kernel installed): no user entries"];
  const rows = entries.map((e) => [frameHex(e.vpn), frameHex(e.pfn) + (e.writable ? "" : " (read-only)"), e.mfn === null ? "not in the real TLB" : `${frameHex(e.vpn)} -> ${frameHex(e.mfn)}`]);
  return [
    "virtual TLB: what the guest kernel installed with TLBW, and what the monitor put in the real TLB instead",
    ...columns([["virtual TLB", "", "real TLB"], ["VPN", "PFN", "VPN -> MFN"], ...rows], 2, 1),
  ];
}

/**
 * Rows as columns, the first `headings` rows plain and padded, the others with an
 * arrow drawn from each of the first `arrows` cells to the next column, as the
 * chapter's figures draw the spaces.
 */
function columns(rows: readonly (readonly string[])[], headings: number, arrows: number): string[] {
  const n = rows[0]!.length;
  const widths = Array.from({ length: n }, (_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map(
    (r, i) =>
      "  " +
      r
        .map((cell, c) => {
          if (i >= headings && c < arrows && c + 1 < r.length && cell !== "" && r[c + 1] !== "") return `${cell} ${"-".repeat(widths[c]! - cell.length + 2)}> `;
          return cell.padEnd(widths[c]! + 5);
        })
        .join("")
        .trimEnd(),
  );
}
