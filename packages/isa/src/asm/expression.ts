// Expressions in operands and directives: a small precedence-climbing parser and an
// evaluator that can defer symbols not yet known (pass 1) or report them (pass 2).
import { LexError, type Token } from "./lexer.js";

export type Expr =
  | { readonly k: "num"; readonly v: number; readonly col: number }
  | { readonly k: "sym"; readonly name: string; readonly col: number }
  | { readonly k: "dot"; readonly col: number }
  | { readonly k: "un"; readonly op: string; readonly e: Expr; readonly col: number }
  | { readonly k: "bin"; readonly op: string; readonly l: Expr; readonly r: Expr; readonly col: number }
  | { readonly k: "fn"; readonly fn: "hi" | "lo"; readonly e: Expr; readonly col: number };

const BINARY: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "<": 7,
  "<=": 7,
  ">": 7,
  ">=": 7,
  "<<": 8,
  ">>": 8,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
  "%": 10,
};

/** Parentheses, unary operators and hi()/lo() open at once in one expression. */
export const MAX_EXPRESSION_NESTING = 256;
/**
 * Levels of evaluation at once, counting operators (a long sum is as deep as it has
 * terms) and the constants an expression uses with theirs: each level is host stack.
 */
export const MAX_EVALUATION_DEPTH = 2500;

/** Parses tokens[pos..] as an expression; returns it and the index after it. */

export function parseExpression(tokens: readonly Token[], pos: number, qualify: (name: string) => string): [Expr, number] {
  const p = new Parser(tokens, pos, qualify);
  const e = p.binary(0);
  return [e, p.i];
}

// A class rather than nested closures: expressions are parsed for nearly every
// statement, and per-call closures cost more than the parsing itself.
class Parser {
  /** Parentheses and unary operators open so far (bounded: each level is host stack). */
  private depth = 0;
  constructor(
    readonly tokens: readonly Token[],
    public i: number,
    readonly qualify: (name: string) => string,
  ) {}

  enter(col: number): void {
    if (++this.depth > MAX_EXPRESSION_NESTING) throw new LexError(`expression nested more than ${MAX_EXPRESSION_NESTING} levels deep`, col);
  }

  endCol(): number {
    const last = this.tokens[this.tokens.length - 1];
    return last ? last.col + last.text.length : 1;
  }

  close(): void {
    const t = this.tokens[this.i];
    if (t?.text !== ")") throw new LexError("expected ')'", t ? t.col : this.endCol());
    this.i++;
  }

  primary(): Expr {
    const t = this.tokens[this.i];
    if (!t) throw new LexError("expected an expression", this.endCol());
    if (t.kind === "number") {
      this.i++;
      return { k: "num", v: t.value, col: t.col };
    }
    if (t.kind === "punct" && (t.text === "-" || t.text === "~" || t.text === "!" || t.text === "+")) {
      this.i++;
      this.enter(t.col);
      const e = this.primary();
      this.depth--;
      return t.text === "+" ? e : { k: "un", op: t.text, e, col: t.col };
    }
    if (t.kind === "punct" && t.text === "(") {
      this.i++;
      this.enter(t.col);
      const e = this.binary(0);
      this.depth--;
      this.close();
      return e;
    }
    if (t.kind === "ident") {
      const lower = t.text.toLowerCase();
      if ((lower === "hi" || lower === "lo") && this.tokens[this.i + 1]?.text === "(") {
        this.i += 2;
        this.enter(t.col);
        const e = this.binary(0);
        this.depth--;
        this.close();
        return { k: "fn", fn: lower, e, col: t.col };
      }
      this.i++;
      if (t.text === ".") return { k: "dot", col: t.col };
      return { k: "sym", name: this.qualify(t.text), col: t.col };
    }
    throw new LexError(`unexpected '${t.raw}' in expression`, t.col);
  }

  binary(minPrec: number): Expr {
    let left = this.primary();
    for (;;) {
      const t = this.tokens[this.i];
      if (t?.kind !== "punct") return left;
      const prec = BINARY[t.text];
      if (prec === undefined || prec <= minPrec) return left;
      this.i++;
      const right = this.binary(prec);
      left = { k: "bin", op: t.text, l: left, r: right, col: t.col };
    }
  }
}

export class ExprError extends Error {
  constructor(
    message: string,
    readonly col: number,
    /** The symbol without a value, for "undefined symbol" errors. */
    readonly symbol?: string,
  ) {
    super(message);
  }
}

/** Evaluations open now, across constants that use constants (see MAX_EVALUATION_DEPTH). */
let evaluating = 0;

/** Returns the value, or undefined when a symbol is not known (and `strict` is false). */
export function evaluate(x: Expr, dot: number, lookup: (name: string) => number | undefined, strict: boolean): number | undefined {
  if (evaluating >= MAX_EVALUATION_DEPTH) {
    throw new ExprError(`expression too deep to evaluate (more than ${MAX_EVALUATION_DEPTH} levels, counting the constants it uses)`, x.col);
  }
  evaluating++;
  try {
    switch (x.k) {
      case "num":
        return x.v;
      case "dot":
        return dot;
      case "sym": {
        const v = lookup(x.name);
        if (v === undefined && strict) throw new ExprError(`undefined symbol '${x.name}'`, x.col, x.name);
        return v;
      }
      case "fn": {
        const v = evaluate(x.e, dot, lookup, strict);
        if (v === undefined) return undefined;
        return x.fn === "hi" ? (v >>> 16) & 0xffff : v & 0xffff;
      }
      case "un": {
        const v = evaluate(x.e, dot, lookup, strict);
        if (v === undefined) return undefined;
        if (x.op === "-") return -v;
        if (x.op === "~") return ~v;
        return v === 0 ? 1 : 0;
      }
      case "bin": {
        // A left-associative chain (a + b + c ...) is a loop, not recursion: its length is not depth.
        const chain: Extract<Expr, { k: "bin" }>[] = [];
        let leftmost: Expr = x;
        while (leftmost.k === "bin") {
          chain.push(leftmost);
          leftmost = leftmost.l;
        }
        let acc = evaluate(leftmost, dot, lookup, strict);
        for (let k = chain.length - 1; k >= 0; k--) {
          const b = chain[k]!;
          const r = evaluate(b.r, dot, lookup, strict);
          acc = acc === undefined || r === undefined ? undefined : binary(b.op, acc, r, b.col);
        }
        return acc;
      }
    }
  } finally {
    evaluating--;
  }
}

function binary(op: string, l: number, r: number, col: number): number {
  switch (op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*": {
      const p = l * r;
      return Number.isSafeInteger(p) ? p : Math.imul(l, r);
    }
    case "/":
      if (r === 0) throw new ExprError("division by zero in expression", col);
      return Math.trunc(l / r);
    case "%":
      if (r === 0) throw new ExprError("division by zero in expression", col);
      return l % r;
    case "<<":
      return (l << (r & 31)) | 0;
    case ">>":
      return l >>> (r & 31);
    case "&":
      return (l & r) >>> 0;
    case "|":
      return (l | r) >>> 0;
    case "^":
      return (l ^ r) >>> 0;
    case "==":
      return l === r ? 1 : 0;
    case "!=":
      return l !== r ? 1 : 0;
    case "<":
      return l < r ? 1 : 0;
    case "<=":
      return l <= r ? 1 : 0;
    case ">":
      return l > r ? 1 : 0;
    case ">=":
      return l >= r ? 1 : 0;
    case "&&":
      return l !== 0 && r !== 0 ? 1 : 0;
    case "||":
      return l !== 0 || r !== 0 ? 1 : 0;
  }
  throw new ExprError(`unknown operator '${op}'`, col);
}
