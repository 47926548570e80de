// Why an experiment did not run: a refusal with its reason, the assembler's errors, or a failure.
import { el } from "../dom.js";
import type { NotRun } from "../protocol.js";

export function notRunView(r: NotRun): HTMLElement {
  switch (r.kind) {
    case "refused":
      return el("div", { class: "refused", "data-testid": "refused" }, el("strong", {}, "Refused: "), r.reason);
    case "assembly":
      return el(
        "div",
        { class: "failed", "data-testid": "assembly-errors" },
        el("strong", {}, "Does not assemble:"),
        el("ul", {}, ...r.errors.map((d) => el("li", {}, `${d.file.split("/").pop()}:${d.line}:${d.col}: ${d.message}`))),
      );
    case "error":
      return el("div", { class: "failed", "data-testid": "error" }, el("strong", {}, "Failed: "), r.message);
  }
}
