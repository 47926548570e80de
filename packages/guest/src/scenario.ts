// Scenarios: scenario.json (validated) plus the programs' assembly sources. This module
// reads no file: scenario-folder.ts reads a folder from disk, a page hands the texts over.
import { z } from "zod";
import { DEFAULT_DISK_SECTORS, DISK_SECTOR_SIZE, InputFileError } from "@vmlab/isa";
import { jsonErrorOffset, jsonMessage, lineCol, duplicateJsonKey } from "./scenario-json.js";

const count = (what: string, max = Number.MAX_SAFE_INTEGER, why = "") =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: "must be a whole number" })
    .positive({ error: "must be at least 1" })
    .max(max, { error: `must be at most ${max.toLocaleString("en-US")}${why ? ` (${why})` : ""}` });

/**
 * Limits a scenario file is held to. A billion guest instructions is some minutes of
 * host time under the slowest strategy (the interpreter runs about 10-30 M a second);
 * the machine holds a monitor region and 4 MiB per VM, and the monitor's region must
 * hold each VM's tables: 16 VMs.
 */
export const MAX_BUDGET = 1_000_000_000;
export const MAX_VMS = 16;
/** A guest's disk: what `diskContents` may fill. */
export const MAX_DISK_CONTENTS_BYTES = DEFAULT_DISK_SECTORS * DISK_SECTOR_SIZE;

const fileName = z
  .string({ error: "must be a file name" })
  .min(1, { error: "must not be empty" })
  .refine((f) => !/[\\/]/.test(f) && f !== "." && f !== "..", { error: "must be a file in the scenario folder" });

/** One virtual machine of a multi-VM scenario: what it runs instead of the scenario's default guest. */
const GuestSchema = z
  .object(
    {
      name: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).optional(),
      /** A kernel of the scenario's own (assembly in the folder) instead of the vmlab kernel. */
      kernel: fileName.optional(),
      programs: z.array(fileName, { error: "must be an array of file names" }).optional(),
      expectedOutput: z.string({ error: "must be a string" }).optional(),
    },
    { error: "must be a JSON object" },
  )
  .strict();

const ScenarioSchema = z
  .object(
    {
      name: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
      description: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
      stresses: z.array(z.string({ error: "must be a string" }), { error: "must be an array of strings" }),
      programs: z
        .array(
          z
            .string({ error: "must be a file name" })
            .min(1, { error: "must not be empty" })
            .refine((f) => !/[\\/]/.test(f) && f !== "." && f !== "..", { error: "must be a file in the scenario folder" }),
          { error: "must be an array of file names" },
        )
        .min(1, { error: "must name at least one program" }),
      budget: count("guest instructions", MAX_BUDGET, "a run that long takes hours under the interpreter"),
      timerPeriod: count("retired instructions per time slice").optional(),
      expectedOutput: z.string({ error: "must be a string" }).optional(),
      iterations: count("times the measured operation runs").optional(),
      /** Lines from several processes interleave by timer preemption; each line's first character names its writer. */
      interleavedOutput: z.boolean({ error: "must be true or false" }).optional(),
      diskContents: z
        .string({ error: "must be a string" })
        .refine((t) => new TextEncoder().encode(t).length <= MAX_DISK_CONTENTS_BYTES, {
          error: `must fit on the disk: at most ${MAX_DISK_CONTENTS_BYTES.toLocaleString("en-US")} bytes in UTF-8`,
        })
        .optional(),
      vms: count("virtual machines", MAX_VMS, "one machine holds at most 16").default(1),
      guests: z.array(GuestSchema, { error: "must be an array of objects, one per virtual machine" }).optional(),
    },
    { error: "must be a JSON object" },
  )
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.guests !== undefined && spec.guests.length !== spec.vms) {
      ctx.addIssue({ code: "custom", path: ["guests"], message: `must have one entry per virtual machine (vms is ${spec.vms}, got ${spec.guests.length})` });
    }
    spec.guests?.forEach((g, i) => {
      if (g.kernel === undefined && g.programs !== undefined && g.programs.length === 0) {
        ctx.addIssue({ code: "custom", path: ["guests", i, "programs"], message: "must name at least one program (the vmlab kernel starts the first)" });
      }
    });
  });

const FIELDS = Object.keys(ScenarioSchema.shape);
const GUEST_FIELDS = Object.keys(GuestSchema.shape);

export type ScenarioSpec = z.infer<typeof ScenarioSchema>;

export interface SourceFile {
  readonly name: string;
  readonly file: string;
  readonly source: string;
}

/** What one virtual machine of a scenario runs. */
export interface GuestDefinition {
  /** "vm1", "vm2", ... unless the scenario names it. */
  readonly name: string;
  /** A kernel of the scenario's own, or undefined for the vmlab kernel. */
  readonly kernel?: SourceFile;
  /** Its user programs (the vmlab kernel starts the first). */
  readonly sources: readonly SourceFile[];
  readonly expectedOutput?: string;
}

export interface Scenario extends ScenarioSpec {
  readonly dir: string;
  /** The programs every virtual machine runs unless `guests` says otherwise. */
  readonly sources: readonly SourceFile[];
  /** One entry per virtual machine (`vms` of them), in order. */
  readonly vmGuests: readonly GuestDefinition[];
}

export class ScenarioError extends Error {}

/** `programs[0]`, `budget`, or `(top level)`. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? keyShown(String(k)) : `.${keyShown(String(k))}`)).join("");
}

/** A key as JSON would escape it, cut short when long: a message stays one readable line. */
export function keyShown(key: string): string {
  const text = JSON.stringify(key).slice(1, -1);
  return text.length <= 60 ? text : `${text.slice(0, 40)}…`;
}

function valueAt(json: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let v: unknown = json;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !(k in v)) return { found: false };
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return { found: true, value: v };
}

/** A value as JSON on one line, cut short when long (a whole disk's contents would drown the message). */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 80 ? text : `${text.slice(0, 60)}… (${text.length.toLocaleString("en-US")} characters)`;
}

/** One line per problem, each naming the file and the field (and the offending value). */
function describeIssues(file: string, json: unknown, issues: readonly z.core.$ZodIssue[]): string {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const known = issue.path.length === 0 ? FIELDS : GUEST_FIELDS;
      for (const key of issue.keys) lines.push(`${file}: field '${fieldName([...issue.path, key])}': unknown field (known: ${known.join(", ")})`);
      continue;
    }
    const at = valueAt(json, issue.path);
    const field = fieldName(issue.path);
    if (!at.found && issue.path.length > 0) lines.push(`${file}: field '${field}': missing`);
    else lines.push(`${file}: field '${field}': ${issue.message} (got ${shown(at.value)})`);
  }
  return lines.join("\n");
}

/** What a scenario's folder holds: its files' texts by name (undefined: no such file; a read may throw InputFileError). */
export interface ScenarioFiles {
  /** The scenario folder's path, as messages and `Scenario.dir` name it. */
  readonly dir: string;
  read(name: string): string | undefined;
}

/** Validates a scenario.json's `text` (from `file`) and reads the sources it names from `files`. */
export function parseScenario(text: string, file: string, files: ScenarioFiles): Scenario {
  const folder = files.dir;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const m = /at position (\d+)/.exec((e as Error).message);
    const offset = m ? Number(m[1]) : jsonErrorOffset(text);
    const where = offset === undefined ? "" : `:${lineCol(text, offset)}`;
    throw new ScenarioError(`${file}${where}: malformed JSON (${jsonMessage(e as Error)})`);
  }
  const dup = duplicateJsonKey(text);
  if (dup) throw new ScenarioError(`${file}:${lineCol(text, dup.offset)}: field '${keyShown(dup.key)}' appears twice (JSON would keep only the last)`);
  const parsed = ScenarioSchema.safeParse(json);
  if (!parsed.success) throw new ScenarioError(describeIssues(file, json, parsed.error.issues));
  const spec = parsed.data;
  const read = (name: string, field: string, what: string): SourceFile => {
    const path = `${folder}/${name}`;
    let source: string | undefined;
    try {
      source = files.read(name);
    } catch (e) {
      if (e instanceof InputFileError) throw new ScenarioError(`${file}: field '${field}': '${keyShown(name)}' ${e.message}`);
      throw e;
    }
    if (source === undefined) throw new ScenarioError(`${file}: field '${field}': unknown ${what} '${keyShown(name)}' (no such file in ${folder})`);
    return { name, file: path, source };
  };
  const sources = spec.programs.map((name, i) => read(name, `programs[${i}]`, "program"));
  const vmGuests: GuestDefinition[] = [];
  for (let i = 0; i < spec.vms; i++) {
    const g = spec.guests?.[i];
    const name = g?.name ?? `vm${i + 1}`;
    if (vmGuests.some((o) => o.name === name)) throw new ScenarioError(`${file}: field 'guests[${i}].name': '${name}' names two virtual machines`);
    vmGuests.push({
      name,
      ...(g?.kernel !== undefined ? { kernel: read(g.kernel, `guests[${i}].kernel`, "kernel") } : {}),
      sources: g?.programs !== undefined ? g.programs.map((p, k) => read(p, `guests[${i}].programs[${k}]`, "program")) : sources,
      ...(g?.expectedOutput !== undefined ? { expectedOutput: g.expectedOutput } : spec.vms === 1 && spec.expectedOutput !== undefined ? { expectedOutput: spec.expectedOutput } : {}),
    });
  }
  return { ...spec, dir: folder, sources, vmGuests };
}
