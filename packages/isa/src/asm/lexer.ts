// Splits one source line into tokens with 1-based columns, for diagnostics.

export type TokenKind = "ident" | "number" | "string" | "punct";

export interface Token {
  readonly kind: TokenKind;
  /** Identifier text, punctuation, or the decoded string contents. */
  readonly text: string;
  /** The token as written, for messages (control characters escaped). */
  readonly raw: string;
  readonly value: number;
  readonly col: number;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly col: number,
  ) {
    super(message);
  }
}

/** `s` with control and line-breaking characters escaped, so a message stays one line. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const PUNCT2 = ["<<", ">>", "==", "!=", "<=", ">=", "&&", "||"];
const PUNCT1 = "+-*/%&|^~!<>(),:=";

function escapedChar(ch: string, col: number): string {
  switch (ch) {
    case "n":
      return "\n";
    case "t":
      return "\t";
    case "r":
      return "\r";
    case "0":
      return "\0";
    case "\\":
      return "\\";
    case "'":
      return "'";
    case '"':
      return '"';
    default:
      throw new LexError(`unknown escape '\\${printable(ch)}'`, col);
  }
}

export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const ch = line[i]!;
    if (ch === " " || ch === "\t" || ch === "\r") {
      i++;
      continue;
    }
    if (ch === ";" || ch === "#") break;
    const col = i + 1;
    if (/[A-Za-z_.]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_.$]/.test(line[j]!)) j++;
      out.push({ kind: "ident", text: line.slice(i, j), raw: line.slice(i, j), value: 0, col });
      i = j;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(line[j]!)) j++;
      const text = line.slice(i, j).replace(/_/g, "");
      let value: number;
      if (/^0x[0-9a-f]+$/i.test(text)) value = parseInt(text.slice(2), 16);
      else if (/^0b[01]+$/i.test(text)) value = parseInt(text.slice(2), 2);
      else if (/^[0-9]+$/.test(text)) value = parseInt(text, 10);
      else throw new LexError(`bad number '${line.slice(i, j)}'`, col);
      if (value > 0xffffffff) throw new LexError(`number '${line.slice(i, j)}' does not fit in 32 bits`, col);
      out.push({ kind: "number", text, raw: line.slice(i, j), value, col });
      i = j;
      continue;
    }
    if (ch === "'") {
      let j = i + 1;
      let c: string;
      if (line[j] === "\\") {
        if (j + 1 >= n) throw new LexError("unterminated character literal", col);
        c = escapedChar(line[j + 1]!, j + 1);
        j += 2;
      } else {
        if (j >= n) throw new LexError("unterminated character literal", col);
        c = line[j]!;
        j++;
      }
      if (line[j] !== "'") throw new LexError("unterminated character literal", col);
      out.push({ kind: "number", text: c, raw: printable(line.slice(i, j + 1)), value: c.charCodeAt(0) & 0xff, col });
      i = j + 1;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let s = "";
      let closed = false;
      while (j < n) {
        const c = line[j]!;
        if (c === '"') {
          closed = true;
          j++;
          break;
        }
        if (c === "\\") {
          if (j + 1 >= n) break;
          s += escapedChar(line[j + 1]!, j + 1);
          j += 2;
          continue;
        }
        s += c;
        j++;
      }
      if (!closed) throw new LexError("unterminated string", col);
      out.push({ kind: "string", text: s, raw: printable(line.slice(i, j)), value: 0, col });
      i = j;
      continue;
    }
    const two = line.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      out.push({ kind: "punct", text: two, raw: two, value: 0, col });
      i += 2;
      continue;
    }
    if (PUNCT1.includes(ch)) {
      out.push({ kind: "punct", text: ch, raw: ch, value: 0, col });
      i++;
      continue;
    }
    throw new LexError(`unexpected character '${printable(ch)}'`, col);
  }
  return out;
}
