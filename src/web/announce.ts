// The page's one live region (role=status). A screen reader reads every change of it, so it gets
// only what a listener needs: a run started, a quarter of it done (with the loss), paused, done,
// an error, a value that was clamped, a setting that will wait for the next run. Never the
// step counter (that goes to a visible ticker that is not live). Progress is said at most once
// every MIN_GAP_MS even when quarters pass faster.
const MIN_GAP_MS = 8000;

export class Announcer {
  private lastQuarter = 0;
  private lastProgressAt = 0;

  constructor(private readonly el: HTMLElement, private readonly record: (text: string) => void = () => {}) {}

  say(text: string, error = false): void {
    // the same text twice would not be read again: a no-break space at the end makes it new
    this.el.textContent = this.el.textContent === text ? `${text}\u00a0` : text;
    this.el.classList.toggle("error", error);
    this.record(text);
  }

  /** Called with every progress report; says something only at 25 / 50 / 75 % of the run. */
  progress(step: number, total: number, loss: number): void {
    const quarter = Math.floor((4 * step) / Math.max(1, total));
    if (quarter <= this.lastQuarter || quarter >= 4) return;
    const now = performance.now();
    if (now - this.lastProgressAt < MIN_GAP_MS && this.lastProgressAt > 0) return;
    this.lastQuarter = quarter; this.lastProgressAt = now;
    this.say(`${25 * quarter} % of the steps done, loss ${Number.isFinite(loss) ? loss.toFixed(3) : "not a number"}.`);
  }

  reset(): void { this.lastQuarter = 0; this.lastProgressAt = 0; }
}
