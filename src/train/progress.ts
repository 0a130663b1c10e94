/**
 * Progress of a pool of jobs: a redrawn bar (steps, ETA, each running job's
 * latest validation accuracy) on a terminal, plain lines otherwise.
 */
/** What a job reports as it trains. */
export interface JobProgress {
  job: string;
  step: number;
  steps: number;
  validationAccuracy: number | null;
  msPerStep: number | null;
}

export class ProgressReporter {
  private readonly jobs = new Map<string, JobProgress>();
  private readonly started = Date.now();
  private finishedSteps = 0;
  private drawnLines = 0;
  private lastDraw = 0;
  private readonly lastPlain = new Map<string, number>();

  constructor(
    private totalSteps: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly tty: boolean = Boolean(process.stderr.isTTY) && process.env.CI === undefined,
  ) {}

  private doneSteps(): number {
    let running = 0;
    for (const p of this.jobs.values()) running += p.step;
    return this.finishedSteps + running;
  }

  private eta(): string {
    const done = this.doneSteps();
    const seconds = (Date.now() - this.started) / 1000;
    if (done === 0 || seconds < 1) return '--:--';
    const left = ((this.totalSteps - done) * seconds) / done;
    const m = Math.floor(left / 60);
    const s = Math.round(left % 60);
    return `${m}:${String(s).padStart(2, '0')}`;
  }

  progress(p: JobProgress): void {
    this.jobs.set(p.job, p);
    if (this.tty) {
      if (Date.now() - this.lastDraw > 200) this.draw();
      return;
    }
    // Plain mode: a line per job at every tenth of its steps.
    const tenth = Math.floor((10 * p.step) / p.steps);
    if (this.lastPlain.get(p.job) !== tenth) {
      this.lastPlain.set(p.job, tenth);
      const acc = p.validationAccuracy === null ? '' : ` val_acc ${(100 * p.validationAccuracy).toFixed(2)}%`;
      const ms = p.msPerStep === null ? '' : ` ${p.msPerStep.toFixed(2)} ms/step`;
      this.stream.write(`[${this.percent()}% eta ${this.eta()}] ${p.job} step ${p.step}/${p.steps}${acc}${ms}\n`);
    }
  }

  done(job: string, skipped: boolean, steps: number): void {
    this.jobs.delete(job);
    // Skipped jobs did no work now: they leave the total rather than speed up the ETA.
    if (skipped) this.totalSteps -= steps;
    else this.finishedSteps += steps;
    this.message(`${skipped ? 'skipped (already finished)' : 'finished'}: ${job}`);
  }

  message(text: string): void {
    if (this.tty) this.clear();
    this.stream.write(text + '\n');
    if (this.tty) this.draw();
  }

  private percent(): string {
    return this.totalSteps === 0 ? '100' : ((100 * this.doneSteps()) / this.totalSteps).toFixed(0);
  }

  private clear(): void {
    for (let i = 0; i < this.drawnLines; i++) this.stream.write('\x1b[1A\x1b[2K');
    this.drawnLines = 0;
  }

  private draw(): void {
    this.clear();
    this.lastDraw = Date.now();
    const width = 30;
    const frac = this.totalSteps === 0 ? 1 : Math.min(1, this.doneSteps() / this.totalSteps);
    const filled = Math.round(frac * width);
    const lines = [
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.percent()}%  ${this.doneSteps()}/${this.totalSteps} steps  eta ${this.eta()}`,
    ];
    for (const p of this.jobs.values()) {
      const acc = p.validationAccuracy === null ? '' : `  val_acc ${(100 * p.validationAccuracy).toFixed(2)}%`;
      const ms = p.msPerStep === null ? '' : `  ${p.msPerStep.toFixed(2)} ms/step`;
      lines.push(`  ${p.job}  ${p.step}/${p.steps}${acc}${ms}`);
    }
    this.stream.write(lines.join('\n') + '\n');
    this.drawnLines = lines.length;
  }

  finish(): void {
    if (this.tty) this.clear();
  }
}
