// A program's assembly in a textarea with line numbers; the assembler's errors mark their lines.
import { el } from "../dom.js";
import type { AsmError } from "../protocol.js";

export class ProgramEditor {
  readonly element: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly gutter: HTMLElement;
  private marked = new Set<number>();

  constructor() {
    this.textarea = el("textarea", { class: "source", spellcheck: "false", wrap: "off", "data-testid": "source", "aria-label": "program source" });
    this.gutter = el("div", { class: "gutter", "aria-hidden": "true" });
    this.textarea.addEventListener("input", () => this.numberLines());
    this.textarea.addEventListener("scroll", () => {
      this.gutter.scrollTop = this.textarea.scrollTop;
    });
    this.element = el("div", { class: "editor" }, this.gutter, this.textarea);
  }

  get text(): string {
    return this.textarea.value;
  }

  set text(source: string) {
    this.textarea.value = source;
    this.marked.clear();
    this.numberLines();
  }

  /** Marks the lines of `errors` that are in `file` (the program shown). */
  mark(errors: readonly AsmError[], file: string): void {
    this.marked = new Set(errors.filter((e) => e.file.split("/").pop() === file && e.line > 0).map((e) => e.line));
    this.numberLines();
    const first = Math.min(...this.marked);
    if (Number.isFinite(first)) {
      const lineHeight = this.textarea.scrollHeight / Math.max(1, this.lineCount());
      this.textarea.scrollTop = Math.max(0, (first - 3) * lineHeight);
    }
  }

  private lineCount(): number {
    return this.textarea.value.split("\n").length;
  }

  private numberLines(): void {
    const lines: HTMLElement[] = [];
    for (let i = 1; i <= this.lineCount(); i++) lines.push(el("div", this.marked.has(i) ? { class: "error-line", "data-testid": `error-line-${i}` } : {}, i));
    this.gutter.replaceChildren(...lines);
    this.gutter.scrollTop = this.textarea.scrollTop;
  }
}
