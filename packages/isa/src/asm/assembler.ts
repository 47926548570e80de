// The two-pass assembler. Pass 1 expands includes and conditionals, defines labels and
// sizes every statement; pass 2 evaluates operands and encodes. Every error of a source
// is collected and reported at once as file:line:col diagnostics.
import { InputFileError, readProgramText } from "#input-file";
// pathe: node:path's POSIX functions, also in a browser.
import { dirname, join, resolve } from "pathe";
import { CR, NUM_REGS, SP } from "../arch.js";
import { encode, encodeJump } from "../encoding.js";
import { MAX_IMAGE_BYTES, symbolTable, type Image, type Segment } from "../image.js";
import { BY_MNEMONIC, OP, type OpInfo } from "../opcodes.js";
import { ExprError, evaluate, parseExpression, type Expr } from "./expression.js";
import { LexError, printable, tokenize, type Token } from "./lexer.js";

export interface AssembleOptions {
  /** Name used in diagnostics (and to resolve includes against). */
  file: string;
  /** Symbols predefined for conditional assembly and expressions. */
  defines?: Record<string, number>;
  /** Reads an included file; default: from disk, relative to the including file. */
  readInclude?: (path: string, fromFile: string) => string;
  /** Location counter before the first `.org` (default 0x80000000, kseg0). */
  origin?: number;
}

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export class AssemblyError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    // line 0 means the whole file (it could not be read).
    super(diagnostics.map((d) => (d.line > 0 ? `${d.file}:${d.line}:${d.col}: ${d.message}` : `${d.file}: ${d.message}`)).join("\n"));
    this.name = "AssemblyError";
  }
}

class PosError extends Error {
  constructor(
    message: string,
    readonly col: number,
  ) {
    super(message);
  }
}

/** A value needed in pass 1 uses a symbol without a value; worded once pass 1 is over. */
class EarlyValueError extends PosError {
  constructor(
    readonly symbol: string,
    readonly what: string,
    col: number,
  ) {
    super(`undefined symbol '${symbol}'`, col);
  }
}

type StmtKind = "instr" | "word" | "byte" | "bytes" | "space";

interface Stmt {
  readonly kind: StmtKind;
  /** Position of its line in the include-expanded source, to order diagnostics. */
  readonly seq: number;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly address: number;
  readonly size: number;
  readonly segment: number;
  readonly mnemonic?: string;
  readonly operands?: Token[][];
  readonly exprs?: Expr[];
  readonly data?: Uint8Array;
  readonly fill?: number;
  readonly scope: string;
}

interface SymbolDef {
  readonly kind: "label" | "equ";
  value: number | undefined;
  readonly seq: number;
  readonly expr?: Expr;
  readonly dot: number;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  evaluating?: boolean;
}

interface Cond {
  readonly seq: number;
  readonly parentActive: boolean;
  active: boolean;
  taken: boolean;
  sawElse: boolean;
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

const PSEUDO = new Set(["li", "la", "mov", "nop"]);
/** Limits that keep the assembler's recursion within the host's stack, each reported at its line. */
export const MAX_DEFINITION_CHAIN = 1000;
export const MAX_INCLUDE_DEPTH = 32;
/** Errors reported from one assembly: past these the assembler stops (a file of garbage would otherwise print millions). */
export const MAX_DIAGNOSTICS = 100;

class TooManyErrors extends Error {}
const SHIFT_IMM = new Set(["SHLI", "SHRI", "SARI"]);
const CR_BY_NAME = new Map(Object.entries(CR).map(([k, v]) => [k.toLowerCase(), v]));

function defaultReadInclude(path: string, fromFile: string): string {
  return readProgramText(resolve(dirname(fromFile), path));
}

function splitOperands(tokens: readonly Token[], start: number): Token[][] {
  const ops: Token[][] = [];
  if (start >= tokens.length) return ops;
  let cur: Token[] = [];
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "punct" && t.text === "(") depth++;
    if (t.kind === "punct" && t.text === ")") depth--;
    if (t.kind === "punct" && t.text === "," && depth === 0) {
      if (cur.length === 0) throw new PosError("expected an operand before ','", t.col);
      ops.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  if (cur.length === 0) throw new PosError("expected an operand after ','", tokens[tokens.length - 1]!.col);
  ops.push(cur);
  return ops;
}

function parseRegister(op: readonly Token[]): number {
  const t = op[0]!;
  if (op.length === 1 && t.kind === "ident") {
    const m = /^r([0-9]|1[0-5])$/i.exec(t.text);
    if (m) return Number(m[1]);
    if (t.text.toLowerCase() === "sp") return SP;
  }
  throw new PosError(`bad register '${op.map((x) => x.raw).join("")}' (r0..r${NUM_REGS - 1} or sp)`, t.col);
}

export function assemble(source: string, options: AssembleOptions): Image {
  const diags: (Diagnostic & { seq: number })[] = [];
  const symbols = new Map<string, SymbolDef>();
  const stmts: Stmt[] = [];
  const segments: { start: number; end: number; file: string; line: number; col: number; seq: number }[] = [];
  const readInclude = options.readInclude ?? defaultReadInclude;
  let entryExpr: { expr: Expr; file: string; line: number; seq: number } | undefined;
  let loc = (options.origin ?? 0x80000000) >>> 0;
  let segment = -1;
  let scope = "";
  let seq = 0;
  let imageBytes = 0;
  const report = (file: string, line: number, col: number, message: string, at: number): void => {
    diags.push({ file, line, col, message, seq: at });
  };

  // Options are checked like source: one clear error naming the offending value.
  const optionErrors: Diagnostic[] = [];
  const isWord = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff;
  if (options.origin !== undefined && !(isWord(options.origin) && options.origin >= 0)) {
    optionErrors.push({ file: options.file, line: 0, col: 0, message: `origin ${String(options.origin)} is not a 32-bit address` });
  }
  for (const [name, value] of Object.entries(options.defines ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name)) {
      optionErrors.push({ file: options.file, line: 0, col: 0, message: `define '${name}' is not a symbol name` });
    } else if (!isWord(value)) {
      optionErrors.push({ file: options.file, line: 0, col: 0, message: `define ${name}=${String(value)} is not a 32-bit integer` });
    }
    symbols.set(name, { kind: "equ", value, seq: -1, dot: 0, file: options.file, line: 0, col: 0 });
  }
  if (optionErrors.length > 0) throw new AssemblyError(optionErrors);

  const qualify = (name: string): string => (name.startsWith(".") && name.length > 1 ? scope + name : name);

  // Constants defined in terms of constants are evaluated recursively: a chain longer
  // than this is refused (it would otherwise overflow the host's stack).
  let chain = 0;
  const lookupWith =
    (strict: boolean) =>
    (name: string): number | undefined => {
      const s = symbols.get(name);
      if (!s) return undefined;
      if (s.value !== undefined || s.kind === "label") return s.value;
      if (s.evaluating) throw new ExprError(`'${name}' is defined in terms of itself`, s.col);
      if (chain >= MAX_DEFINITION_CHAIN) throw new ExprError(`'${name}' ends a chain of more than ${MAX_DEFINITION_CHAIN} constants defined in terms of each other`, s.col);
      chain++;
      s.evaluating = true;
      try {
        s.value = evaluate(s.expr!, s.dot, strict ? lookupStrict : lookupLoose, strict);
      } catch (e) {
        // In pass 2 a broken constant is reported once, at its definition, and then
        // reads as 0 so that its uses do not repeat the error.
        if (!strict || !(e instanceof ExprError)) throw e;
        report(s.file, s.line, e.col, e.message, s.seq);
        s.value = 0;
      } finally {
        s.evaluating = false;
        chain--;
      }
      return s.value;
    };

  const lookupLoose = lookupWith(false);
  const lookupStrict = lookupWith(true);

  const ensureSegment = (file: string, line: number, col: number): void => {
    if (segment < 0) {
      segments.push({ start: loc, end: loc, file, line, col, seq });
      segment = segments.length - 1;
    }
  };

  const emit = (s: Omit<Stmt, "address" | "segment" | "scope" | "seq">): void => {
    ensureSegment(s.file, s.line, s.col);
    if (s.kind === "instr" && loc % 4 !== 0) {
      throw new PosError(`instruction at misaligned address 0x${loc.toString(16)} (use .align 4)`, s.col);
    }
    // The location counter is 32 bits: a statement may not reach the end of the address space.
    if (loc + s.size >= 0x100000000) {
      const how = loc + s.size > 0x100000000 ? "run past the end of the address space" : "reach the end of the address space (an image ends below it)";
      throw new PosError(`${s.size} bytes at 0x${loc.toString(16)} ${how}`, s.col);
    }
    if (imageBytes + s.size > MAX_IMAGE_BYTES) {
      throw new PosError(`${s.size} bytes here make the image larger than ${MAX_IMAGE_BYTES.toLocaleString("en-US")} bytes (8 MiB)`, s.col);
    }
    imageBytes += s.size;
    const stmt: Stmt = Object.assign(s, { address: loc, segment, scope, seq });
    stmts.push(stmt);
    loc = (loc + s.size) >>> 0;
    segments[segment]!.end = loc;
  };

  const define = (name: string, def: SymbolDef, col: number): void => {
    const prev = symbols.get(name);
    if (prev) {
      const where = prev.line > 0 ? ` (first defined at ${prev.file}:${prev.line})` : " (predefined)";
      throw new PosError(`duplicate symbol '${name}'${where}`, col);
    }
    symbols.set(name, def);
  };

  const knownNow = (e: Expr, what: string, col: number): number => {
    const v = evaluate(e, loc, lookupLoose, false);
    if (v !== undefined) return v;
    // Name the first symbol without a value: undefined altogether, or defined later.
    try {
      evaluate(e, loc, lookupLoose, true);
    } catch (err) {
      if (err instanceof ExprError && err.symbol !== undefined) throw new EarlyValueError(err.symbol, what, err.col);
      throw err;
    }
    throw new PosError(`${what} must be known when it is reached (no forward references)`, col);
  };

  const exprOf = (op: readonly Token[]): Expr => {
    const [e, end] = parseExpression(op, 0, qualify);
    if (end < op.length) throw new PosError(`unexpected '${op[end]!.raw}'`, op[end]!.col);
    return e;
  };

  const processSource = (text: string, file: string, includeStack: readonly string[]): void => {
    const conds: Cond[] = [];
    const lines = text.split("\n");
    for (let ln = 0; ln < lines.length; ln++) {
      if (diags.length >= MAX_DIAGNOSTICS) throw new TooManyErrors();
      const lineNo = ln + 1;
      seq++;
      const active = conds.length === 0 || conds[conds.length - 1]!.active;
      try {
        let tokens: Token[];
        try {
          tokens = tokenize(lines[ln]!);
        } catch (e) {
          if (!active) continue;
          throw e;
        }
        if (tokens.length === 0) continue;
        const head = tokens[0]!;
        const directive = head.kind === "ident" ? head.text.toLowerCase() : "";
        // Conditionals are tracked even inside inactive regions, for nesting.
        if (directive === ".if" || directive === ".ifdef" || directive === ".ifndef") {
          let cond = false;
          if (active) {
            if (directive === ".if") {
              if (tokens.length < 2) throw new PosError(".if needs an expression", head.col);
              cond = knownNow(exprOf(tokens.slice(1)), ".if condition", tokens[1]!.col) !== 0;
            } else {
              const name = tokens[1];
              if (name?.kind !== "ident" || tokens.length !== 2) {
                throw new PosError(`${directive} needs one symbol name`, head.col);
              }
              const defined = symbols.has(qualify(name.text));
              cond = directive === ".ifdef" ? defined : !defined;
            }
          }
          conds.push({ seq, parentActive: active, active: active && cond, taken: active && cond, sawElse: false, file, line: lineNo, col: head.col });
          continue;
        }
        if (directive === ".else") {
          const c = conds[conds.length - 1];
          if (!c) throw new PosError(".else without .if", head.col);
          if (c.sawElse) throw new PosError("second .else for the same .if", head.col);
          c.sawElse = true;
          c.active = c.parentActive && !c.taken;
          c.taken = true;
          continue;
        }
        if (directive === ".endif") {
          if (!conds.pop()) throw new PosError(".endif without .if", head.col);
          continue;
        }
        if (!active) continue;
        processLine(tokens, file, lineNo, includeStack);
      } catch (e) {
        if (e instanceof PosError || e instanceof LexError || e instanceof ExprError) {
          if (e instanceof EarlyValueError) early.push({ index: diags.length, error: e });
          report(file, lineNo, e.col, e.message, seq);
        } else throw e;
      }
    }
    for (const c of conds) report(c.file, c.line, c.col, ".if without .endif", c.seq);
  };

  const processLine = (tokens: Token[], file: string, line: number, includeStack: readonly string[]): void => {
    let i = 0;
    // Labels: `name:` (global, opens a scope) or `.name:` (local to the last global).
    while (tokens[i]?.kind === "ident" && tokens[i + 1]?.text === ":") {
      const t = tokens[i]!;
      const isLocal = t.text.startsWith(".");
      if (!isLocal) scope = t.text;
      const name = isLocal ? scope + t.text : t.text;
      if (isLocal && scope === "") throw new PosError(`local label '${t.text}' before any global label`, t.col);
      ensureSegment(file, line, t.col);
      define(name, { kind: "label", value: loc, seq, dot: loc, file, line, col: t.col }, t.col);
      i += 2;
    }
    if (i >= tokens.length) return;
    const head = tokens[i]!;
    if (head.kind !== "ident") throw new PosError(`unexpected '${head.raw}'`, head.col);
    // NAME = EXPR
    if (tokens[i + 1]?.text === "=") {
      if (tokens.length <= i + 2) throw new PosError(`'${head.text} =' needs an expression`, tokens[i + 1]!.col);
      const expr = exprOf(tokens.slice(i + 2));
      defineEqu(head.text, expr, file, line, head.col);
      return;
    }
    const word = head.text.toLowerCase();
    if (word.startsWith(".")) {
      directiveLine(word, head, tokens.slice(i + 1), file, line, includeStack);
      return;
    }
    const operands = splitOperands(tokens, i + 1);
    let size = 4;
    if (word === "la") size = 8;
    else if (word === "li") {
      size = 8;
      if (operands.length === 2) {
        const v = evaluate(exprOf(operands[1]!), loc, lookupLoose, false);
        if (v !== undefined && (v & 0xffff) === 0) size = 4;
      }
    } else if ((word === "push" || word === "pop") && operands.length > 1) size = 4 * operands.length;
    else if (!PSEUDO.has(word) && !BY_MNEMONIC.has(word)) throw new PosError(`unknown instruction '${head.text}'`, head.col);
    emit({ kind: "instr", file, line, col: head.col, size, mnemonic: word, operands });
  };

  const defineEqu = (name: string, expr: Expr, file: string, line: number, col: number): void => {
    const def: SymbolDef = { kind: "equ", value: undefined, seq, expr, dot: loc, file, line, col };
    define(qualify(name), def, col);
    try {
      def.value = evaluate(expr, loc, lookupLoose, false);
    } catch (e) {
      def.value = 0; // reported here; uses must not repeat it
      throw e;
    }
  };

  const directiveLine = (word: string, head: Token, rest: Token[], file: string, line: number, includeStack: readonly string[]): void => {
    const needArgs = (): Token[][] => {
      if (rest.length === 0) throw new PosError(`${word} needs an argument`, head.col);
      return splitOperands(rest, 0);
    };
    switch (word) {
      case ".org": {
        const args = needArgs();
        if (args.length !== 1) throw new PosError(".org takes one address", head.col);
        loc = knownNow(exprOf(args[0]!), ".org address", args[0]![0]!.col) >>> 0;
        segments.push({ start: loc, end: loc, file, line, col: head.col, seq });
        segment = segments.length - 1;
        return;
      }
      case ".align": {
        const args = needArgs();
        const n = knownNow(exprOf(args[0]!), ".align", args[0]![0]!.col);
        if (n <= 0 || (n & (n - 1)) !== 0) throw new PosError(`.align ${n}: not a power of two`, args[0]![0]!.col);
        const pad = (n - (loc % n)) % n;
        if (pad > MAX_IMAGE_BYTES) throw new PosError(`.align ${n} at 0x${loc.toString(16)}: ${pad} bytes of padding, more than an image may hold`, args[0]![0]!.col);
        if (pad > 0) emit({ kind: "space", file, line, col: head.col, size: pad, fill: 0 });
        return;
      }
      case ".word":
      case ".byte": {
        const exprs = needArgs().map(exprOf);
        emit({ kind: word === ".word" ? "word" : "byte", file, line, col: head.col, size: exprs.length * (word === ".word" ? 4 : 1), exprs });
        return;
      }
      case ".ascii":
      case ".asciz": {
        const args = needArgs();
        const parts: number[] = [];
        for (const a of args) {
          if (a.length !== 1 || a[0]!.kind !== "string") throw new PosError(`${word} takes strings in double quotes`, a[0]!.col);
          for (const b of new TextEncoder().encode(a[0]!.text)) parts.push(b);
          if (word === ".asciz") parts.push(0);
        }
        emit({ kind: "bytes", file, line, col: head.col, size: parts.length, data: Uint8Array.from(parts) });
        return;
      }
      case ".space": {
        const args = needArgs();
        if (args.length > 2) throw new PosError(".space takes a size and an optional fill byte", head.col);
        const n = knownNow(exprOf(args[0]!), ".space size", args[0]![0]!.col);
        if (n < 0 || n > MAX_IMAGE_BYTES) throw new PosError(`.space ${n}: size out of range (0..${MAX_IMAGE_BYTES}, the most an image may hold)`, args[0]![0]!.col);
        const fill = args[1] ? knownNow(exprOf(args[1]), ".space fill", args[1][0]!.col) : 0;
        if (fill < -128 || fill > 255) throw new PosError(`.space fill ${fill} is not a byte`, args[1]![0]!.col);
        if (n > 0) emit({ kind: "space", file, line, col: head.col, size: n, fill: fill & 0xff });
        return;
      }
      case ".equ":
      case ".set": {
        const args = needArgs();
        const name = args[0]!;
        if (args.length !== 2 || name.length !== 1 || name[0]!.kind !== "ident") {
          throw new PosError(`${word} takes NAME, EXPRESSION`, head.col);
        }
        defineEqu(name[0]!.text, exprOf(args[1]!), file, line, name[0]!.col);
        return;
      }
      case ".include": {
        const t = rest[0];
        if (t?.kind !== "string" || rest.length !== 1) throw new PosError('.include takes one "file name"', head.col);
        // Diagnostics name the included file as a path relative to the includer's;
        // cycles are detected on the resolved path.
        const shown = join(dirname(file), t.text);
        const key = resolve(shown);
        if (includeStack.includes(key)) throw new PosError(`include cycle: '${printable(t.text)}' is already being included`, t.col);
        if (includeStack.length >= MAX_INCLUDE_DEPTH) throw new PosError(`includes nested more than ${MAX_INCLUDE_DEPTH} deep`, t.col);
        let text: string;
        try {
          text = readInclude(t.text, file);
        } catch (e) {
          throw new PosError(`cannot include '${printable(t.text)}': ${e instanceof InputFileError ? e.message : "file not found"}`, t.col);
        }
        const savedScope = scope;
        processSource(text, shown, [...includeStack, key]);
        scope = savedScope;
        return;
      }
      case ".entry": {
        const args = needArgs();
        if (args.length !== 1) throw new PosError(".entry takes one label or address", head.col);
        entryExpr = { expr: exprOf(args[0]!), file, line, seq };
        return;
      }
      default:
        throw new PosError(`unknown directive '${head.text}'`, head.col);
    }
  };

  const early: { index: number; error: EarlyValueError }[] = [];
  const top = resolve(options.file);
  let stopped = false;
  try {
    processSource(source, options.file, [top]);
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
    stopped = true;
  }
  for (const { index, error } of early) {
    if (symbols.has(error.symbol)) {
      const message = `'${error.symbol}' has no value yet: ${error.what} must be known when it is reached (no forward references)`;
      diags[index] = { ...diags[index]!, message };
    }
  }

  // Pass 2. Constants first, so an error in one is reported at its definition.
  const images = segments.map((s) => new Uint8Array(s.end - s.start));
  const views = images.map((b) => new DataView(b.buffer));
  const lookup = lookupStrict;
  for (const [name, def] of symbols) {
    if (diags.length >= MAX_DIAGNOSTICS) {
      stopped = true;
      break;
    }
    if (def.kind === "equ" && def.value === undefined) {
      try {
        lookup(name);
      } catch (e) {
        if (!(e instanceof ExprError)) throw e;
        report(def.file, def.line, e.col, e.message, def.seq);
        def.value = 0;
      }
    }
  }
  for (const s of stmts) {
    if (diags.length >= MAX_DIAGNOSTICS) {
      stopped = true;
      break;
    }
    scope = s.scope;
    const bytes = images[s.segment]!;
    const off = s.address - segments[s.segment]!.start;
    try {
      switch (s.kind) {
        case "space":
          bytes.fill(s.fill ?? 0, off, off + s.size);
          break;
        case "bytes":
          bytes.set(s.data!, off);
          break;
        case "word":
        case "byte": {
          const view = views[s.segment]!;
          s.exprs!.forEach((e, k) => {
            // `.` is the address of the item itself, as in other assemblers.
            const v = evaluate(e, (s.address + k * (s.kind === "word" ? 4 : 1)) >>> 0, lookup, true)!;
            if (s.kind === "word") {
              if (v < -0x80000000 || v > 0xffffffff) throw new PosError(`value ${v} does not fit in a word`, e.col);
              view.setUint32(off + 4 * k, v >>> 0, true);
            } else {
              if (v < -128 || v > 255) throw new PosError(`value ${v} does not fit in a byte`, e.col);
              bytes[off + k] = v & 0xff;
            }
          });
          break;
        }
        case "instr": {
          const words = encodeStatement(s, lookup);
          if (words.length * 4 !== s.size) throw new PosError("internal: statement size changed between passes", s.col);
          const view = views[s.segment]!;
          words.forEach((w, k) => view.setUint32(off + 4 * k, w >>> 0, true));
          break;
        }
      }
    } catch (e) {
      if (e instanceof PosError || e instanceof LexError || e instanceof ExprError) {
        report(s.file, s.line, e.col, e.message, s.seq);
      } else throw e;
    }
  }

  // Segments must not overlap: compare each with the furthest-reaching one before it.
  const nonEmpty = segments.map((s, k) => ({ ...s, k })).filter((s) => s.end > s.start);
  const order = [...nonEmpty].sort((a, b) => a.start - b.start);
  let reach = order[0];
  for (let k = 1; k < order.length && diags.length < MAX_DIAGNOSTICS; k++) {
    const cur = order[k]!;
    const prev = reach!;
    if (cur.start < prev.end) {
      const later = cur.k > prev.k ? cur : prev;
      const range = (s: { start: number; end: number }): string => `0x${s.start.toString(16)}..0x${s.end.toString(16)}`;
      const earlier = later === cur ? prev : cur;
      report(later.file, later.line, later.col, `overlapping segments: ${range(later)} and ${range(earlier)}`, later.seq);
    }
    if (cur.end > prev.end) reach = cur;
  }

  // Entry: `.entry`, else the label `start`, else the first byte assembled.
  let entry = nonEmpty[0]?.start ?? (options.origin ?? 0x80000000) >>> 0;
  if (entryExpr) {
    try {
      scope = "";
      entry = evaluate(entryExpr.expr, 0, lookup, true)! >>> 0;
    } catch (e) {
      if (e instanceof ExprError) report(entryExpr.file, entryExpr.line, e.col, e.message, entryExpr.seq);
      else throw e;
    }
  } else if (symbols.get("start")?.kind === "label") {
    entry = symbols.get("start")!.value! >>> 0;
  }

  if (diags.length > 0) {
    diags.sort((a, b) => a.seq - b.seq || a.col - b.col);
    const shown: Diagnostic[] = diags.slice(0, MAX_DIAGNOSTICS).map(({ file, line, col, message }) => ({ file, line, col, message }));
    if (stopped || diags.length > MAX_DIAGNOSTICS) {
      const last = shown[shown.length - 1]!;
      shown.push({ ...last, message: `too many errors: stopped after the first ${MAX_DIAGNOSTICS}` });
    }
    throw new AssemblyError(shown);
  }

  const outSymbols = symbolTable([...symbols].filter(([, def]) => def.kind === "label").map(([name, def]) => [name, def.value! >>> 0] as const));
  const outSegments: Segment[] = [];
  segments.forEach((s, k) => {
    if (s.end > s.start) outSegments.push({ address: s.start, bytes: images[k]! });
  });
  return { entry, segments: outSegments, symbols: outSymbols };
}

// Operand evaluation for one statement in pass 2 (methods, not per-statement closures).
class Operands {
  constructor(
    readonly s: Stmt,
    readonly lookup: (name: string) => number | undefined,
  ) {}

  qualify = (name: string): string => (name.startsWith(".") && name.length > 1 ? this.s.scope + name : name);

  value(op: readonly Token[]): number {
    const [e, end] = parseExpression(op, 0, this.qualify);
    if (end < op.length) throw new PosError(`unexpected '${op[end]!.raw}'`, op[end]!.col);
    return evaluate(e, this.s.address, this.lookup, true)!;
  }

  count(n: number, shape: string): void {
    const got = this.s.operands!.length;
    if (got !== n) {
      throw new PosError(`'${this.s.mnemonic}' takes ${n} operand${n === 1 ? "" : "s"} (${shape}), got ${got}`, this.s.col);
    }
  }

  simm(op: readonly Token[]): number {
    const v = this.value(op);
    if (v < -32768 || v > 32767) throw new PosError(`immediate ${v} out of range for a signed 16-bit field (-32768..32767)`, op[0]!.col);
    return v;
  }

  uimm(op: readonly Token[], max = 0xffff): number {
    const v = this.value(op);
    if (v < 0 || v > max) throw new PosError(`immediate ${v} out of range (0..${max})`, op[0]!.col);
    return v;
  }

  word32(op: readonly Token[]): number {
    const v = this.value(op);
    if (v < -0x80000000 || v > 0xffffffff) throw new PosError(`value ${v} does not fit in 32 bits`, op[0]!.col);
    return v >>> 0;
  }
}

function encodeStatement(s: Stmt, lookup: (name: string) => number | undefined): number[] {
  const word = s.mnemonic!;
  const ops = s.operands!;
  const o = new Operands(s, lookup);

  switch (word) {
    case "nop":
      o.count(0, "none");
      return [encode({ opcode: OP.ADDI, a: 0, b: 0, imm: 0 })];
    case "mov":
      o.count(2, "A, B");
      return [encode({ opcode: OP.ADDI, a: parseRegister(ops[0]!), b: parseRegister(ops[1]!), imm: 0 })];
    case "li":
    case "la": {
      o.count(2, "A, value");
      const a = parseRegister(ops[0]!);
      const v = o.word32(ops[1]!);
      const lui = encode({ opcode: OP.LUI, a, imm: v >>> 16 });
      if (s.size === 4) return [lui];
      return [lui, encode({ opcode: OP.ORI, a, b: a, imm: v & 0xffff })];
    }
  }
  if ((word === "push" || word === "pop") && ops.length > 1) {
    // `pop` with a list mirrors `push` with the same list: `push r1, r2` then
    // `pop r1, r2` restores both (registers are popped last-written first).
    const list = word === "push" ? ops : [...ops].reverse();
    const opcode = word === "push" ? OP.PUSH : OP.POP;
    return list.map((op) => encode({ opcode, a: parseRegister(op) }));
  }
  const info: OpInfo = BY_MNEMONIC.get(word)!;
  const opcode = info.opcode;
  switch (info.form) {
    case "none":
      o.count(0, "none");
      return [encode({ opcode })];
    case "rrr":
      o.count(3, "A, B, C");
      return [encode({ opcode, a: parseRegister(ops[0]!), b: parseRegister(ops[1]!), c: parseRegister(ops[2]!) })];
    case "rri":
      o.count(3, "A, B, simm16");
      return [encode({ opcode, a: parseRegister(ops[0]!), b: parseRegister(ops[1]!), imm: o.simm(ops[2]!) })];
    case "rru":
      o.count(3, "A, B, uimm16");
      return [encode({ opcode, a: parseRegister(ops[0]!), b: parseRegister(ops[1]!), imm: o.uimm(ops[2]!, SHIFT_IMM.has(info.mnemonic) ? 31 : 0xffff) })];
    case "ri":
      o.count(2, "A, simm16");
      return [encode({ opcode, a: parseRegister(ops[0]!), imm: o.simm(ops[1]!) })];
    case "ru":
      o.count(2, "A, uimm16");
      return [encode({ opcode, a: parseRegister(ops[0]!), imm: o.uimm(ops[1]!) })];
    case "rc": {
      o.count(2, "A, control register");
      const op = ops[1]!;
      const a = parseRegister(ops[0]!);
      const t = op[0]!;
      const name = op.length === 1 && t.kind === "ident" ? CR_BY_NAME.get(t.text.toLowerCase()) : undefined;
      if (name !== undefined) return [encode({ opcode, a, imm: name })];
      try {
        return [encode({ opcode, a, imm: o.uimm(op) })];
      } catch (e) {
        if (e instanceof ExprError && op.length === 1 && e.symbol === t.text) {
          throw new PosError(`unknown control register '${t.text}' (${Object.keys(CR).join(", ")} or a number)`, t.col);
        }
        throw e;
      }
    }
    case "rr":
      o.count(2, "A, B");
      return [encode({ opcode, a: parseRegister(ops[0]!), b: parseRegister(ops[1]!) })];
    case "r":
      o.count(1, "A");
      return [encode({ opcode, a: parseRegister(ops[0]!) })];
    case "u":
      o.count(1, "uimm16");
      return [encode({ opcode, imm: o.uimm(ops[0]!) })];
    case "m": {
      o.count(2, "A, simm16(B)");
      const op = ops[1]!;
      const n = op.length;
      if (n < 3 || op[n - 1]!.text !== ")" || op[n - 3]!.text !== "(") {
        throw new PosError("expected a memory operand offset(register)", op[0]!.col);
      }
      const b = parseRegister([op[n - 2]!]);
      const imm = n === 3 ? 0 : o.simm(op.slice(0, n - 3));
      return [encode({ opcode, a: parseRegister(ops[0]!), b, imm })];
    }
    case "j": {
      o.count(1, "label");
      const target = o.word32(ops[0]!);
      if (target % 4 !== 0) throw new PosError(`jump target 0x${target.toString(16)} is not 4-byte aligned`, ops[0]![0]!.col);
      // Offsets wrap like the CPU's pc arithmetic (modulo 2^32).
      const delta = ((target - (s.address + 4)) | 0) / 4;
      if (delta < -0x800000 || delta > 0x7fffff) {
        throw new PosError(`branch target 0x${target.toString(16)} out of range (±32 MiB)`, ops[0]![0]!.col);
      }
      return [encodeJump(opcode, delta)];
    }
  }
}

/** Assembles a file from disk; includes are read relative to the including file. */
export function assembleFile(path: string, options: Omit<AssembleOptions, "file" | "readInclude"> = {}): Image {
  let source: string;
  try {
    source = readProgramText(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = e instanceof InputFileError ? e.message : `cannot read file${code ? ` (${code})` : ""}`;
    throw new AssemblyError([{ file: path, line: 0, col: 0, message }]);
  }
  return assemble(source, { ...options, file: path });
}
