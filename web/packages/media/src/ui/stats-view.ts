/** `<moqlive-stats>`: a small table of named values (text only, never HTML), updated in place. */
export class StatsView extends HTMLElement {
  readonly #rows = new Map<string, HTMLElement>();

  connectedCallback(): void {
    this.setAttribute("role", "status");
  }

  /** Sets the rows; a value of undefined shows "–". */
  update(values: Record<string, string | number | undefined>): void {
    for (const [name, value] of Object.entries(values)) {
      let cell = this.#rows.get(name);
      if (cell === undefined) {
        const row = document.createElement("div");
        row.className = "row";
        const label = document.createElement("span");
        label.className = "label";
        label.textContent = name;
        cell = document.createElement("span");
        cell.className = "value";
        row.append(label, cell);
        this.append(row);
        this.#rows.set(name, cell);
      }
      cell.textContent = value === undefined ? "–" : String(value);
    }
  }
}

/** Registers `<moqlive-stats>` (once); call before using the element. */
export function defineStatsView(): void {
  if (customElements.get("moqlive-stats") === undefined) customElements.define("moqlive-stats", StatsView);
}
