// Small builders for the report's HTML; every text from the results goes through esc.
import escapeHtml from "escape-html";

export const esc = (x: unknown): string => escapeHtml(x === undefined || x === null ? "" : String(x));

/** An HTML id from a name ("p4-2006" -> "p4-2006", "riscv-like(3)" -> "riscv-like-3-"). */
export const idOf = (name: string): string => name.replace(/[^A-Za-z0-9_-]+/g, "-");

/** A cell: its text, and optionally a sort key, a class and a tooltip. */
export interface Cell {
  readonly html: string;
  readonly sort?: number | string;
  readonly cls?: string;
  readonly title?: string;
}

export const text = (x: unknown, cls?: string): Cell => ({ html: esc(x), ...(cls ? { cls } : {}) });
/** A number cell; tablesort's number sort reads its text ("1,234", "1.30x", "97%"; "-" as 0). */
export const num = (_x: number | undefined, shown: string): Cell => ({ html: esc(shown), cls: "n" });

export interface Column {
  readonly name: string;
  /** Numeric columns sort by their cells' keys and align right. */
  readonly numeric?: boolean;
  readonly noSort?: boolean;
  /** Keep the column's cells on one line (configuration labels). */
  readonly nowrap?: boolean;
  readonly title?: string;
}

function td(c: Cell): string {
  const attrs = [c.cls ? ` class="${esc(c.cls)}"` : "", c.sort !== undefined ? ` data-sort="${esc(c.sort)}"` : "", c.title ? ` title="${esc(c.title)}"` : ""].join("");
  return `<td${attrs}>${c.html}</td>`;
}

/**
 * A sortable table (tablesort), inside a scrolling box with a filter field when it has
 * many rows, so the page's height stays bounded whatever the matrix's size.
 */
export function dataTable(id: string, columns: readonly Column[], rows: readonly (readonly Cell[])[], opts: { rowAttrs?: (i: number) => string; filter?: boolean } = {}): string {
  const head = columns
    .map((c) => {
      const attrs = [c.numeric ? ` data-sort-method="number" class="n"` : "", c.noSort ? ` data-sort-method="none"` : "", c.title ? ` title="${esc(c.title)}"` : ""].join("");
      // A long name (EXCEPTION_NMI, PAGE_FAULT) may break after its underscores.
      return `<th${attrs}>${esc(c.name).replace(/_/g, "_<wbr>")}</th>`;
    })
    .join("");
  const nowrap = (c: Cell, i: number): Cell => (columns[i]?.nowrap ? { ...c, cls: `${c.cls ?? ""} nw`.trim() } : c);
  const body = rows.map((r, i) => `<tr${opts.rowAttrs?.(i) ?? ""}>${r.map((c, k) => td(nowrap(c, k))).join("")}</tr>`).join("\n");
  const scroll = rows.length > 15;
  const filter = opts.filter ?? scroll;
  return `${filter ? `<div class="filterbar"><input type="search" class="filter" data-for="${esc(id)}" placeholder="filter rows: words, all must match" aria-label="filter rows"> <span class="count" data-count-for="${esc(id)}">${rows.length} rows</span></div>` : ""}
<div class="${scroll ? "scroll" : "noscroll"}"><table id="${esc(id)}" class="sortable"><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div>`;
}
