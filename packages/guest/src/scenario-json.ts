// Where a JSON text first goes wrong. JSON.parse decides validity; this only locates the
// error when the engine's message gives no position (e.g. "Unexpected token 'x'").

class SyntaxStop {
  constructor(readonly at: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first JSON syntax error in `text`, or undefined if it finds none. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const stop = (): never => {
    throw new SyntaxStop(i);
  };
  const space = (): void => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const string = (): void => {
    i++; // the opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) stop();
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) stop();
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else stop();
      } else i++;
    }
    stop();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') stop();
        string();
        space();
        if (text[i] !== ":") stop();
        i++;
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else stop();
      }
    }
    if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else stop();
      }
    }
    if (c === '"') {
      string();
      return;
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    const literal = c === "t" ? "true" : c === "f" ? "false" : c === "n" ? "null" : undefined;
    if (literal === undefined) stop();
    // Like the engine, point at the first character that breaks the literal.
    for (let k = 0; k < literal!.length; k++, i++) if (text[i] !== literal![k]) stop();
  };
  try {
    value();
    space();
    if (i < text.length) stop();
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxStop) return e.at;
    return undefined; // nesting too deep to scan: no position
  }
}

/** 1-based line:col of a character offset. */
export function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** The engine's message without its position or its echo of the text. */
export function jsonMessage(error: Error): string {
  return error.message
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/^(Unexpected token .+?), ".*" is not valid JSON$/s, "$1")
    .replace(/^(Unexpected token .+?), ".*\.\.\. is not valid JSON$/s, "$1") // the echo cut short
    .replace(/\s*\n\s*/g, " ");
}

/**
 * The first key that appears twice in one object of a valid JSON text, with its offset:
 * JSON.parse keeps the last silently, so a scenario would run with a value its author
 * did not mean. Iterative (no recursion), for texts JSON.parse accepted.
 */
export function duplicateJsonKey(text: string): { key: string; offset: number } | undefined {
  const objects: (Set<string> | undefined)[] = []; // undefined for an array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      let s = "";
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") {
          s += text.slice(i, i + 2);
          i++;
        } else s += text[i];
      }
      const keys = objects[objects.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(`"${s}"`) as string;
        if (keys.has(key)) return { key, offset: start };
        keys.add(key);
        expectKey = false;
      }
    } else if (c === "{") {
      objects.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      objects.push(undefined);
      expectKey = false;
    } else if (c === "}" || c === "]") {
      objects.pop();
      expectKey = false;
    } else if (c === ",") expectKey = objects[objects.length - 1] !== undefined;
  }
  return undefined;
}
