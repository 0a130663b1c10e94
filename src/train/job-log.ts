/**
 * A job's log as it is written: the partial file grows a line per record, and
 * at the end the whole log, its final record sealed with the digest of every
 * record (`results/seal.ts`), is written under the finished name in one
 * atomic rename; the partial file and the checkpoints then go.
 */
import { appendFileSync, rmSync } from 'node:fs';
import { writeFileAtomic, WriteError } from '../io/atomic';
import type { JobFiles } from '../results/layout';
import { previousCheckpoint } from './checkpoint';
import {
  missingEvaluation,
  type EvalRecord,
  type FinalRecord,
  type HeaderRecord,
  type JobRecord,
} from '../results/records';
import { sealedFinalLine } from '../results/seal';

export class JobLog {
  private readonly lines: string[];

  /** Starts the partial log with `records` (the header, and the evaluations kept on resuming). */
  constructor(
    private readonly paths: Pick<JobFiles, 'final' | 'partial' | 'checkpoint'>,
    records: JobRecord[],
  ) {
    this.lines = records.map((r) => JSON.stringify(r));
    writeFileAtomic(paths.partial, this.lines.map((l) => l + '\n').join(''));
  }

  append<R extends JobRecord>(record: R): R {
    this.lines.push(JSON.stringify(record));
    this.appendLast();
    return record;
  }

  /** Appends the last line to the partial log; an error names the file (a line cut short by it is dropped on resume). */
  private appendLast(): void {
    try {
      appendFileSync(this.paths.partial, this.lines[this.lines.length - 1] + '\n');
    } catch (err) {
      throw new WriteError(this.paths.partial, err as NodeJS.ErrnoException);
    }
  }

  /** Appends the final record, sealed, and publishes the finished log; refuses a log that lacks a planned evaluation. */
  finish(final: FinalRecord): void {
    const header = JSON.parse(this.lines[0]) as HeaderRecord;
    const evals = this.lines
      .slice(1)
      .map((l) => JSON.parse(l) as JobRecord)
      .filter((r): r is EvalRecord => r.kind === 'eval');
    const gap = missingEvaluation(header.config, evals);
    if (gap !== null)
      throw new Error(
        `${this.paths.partial}: not sealing a log without the evaluation at step ${gap.step} (the partial log and checkpoints are kept; run the job again)`,
      );
    this.lines.push(sealedFinalLine(this.lines, final));
    this.appendLast();
    writeFileAtomic(this.paths.final, this.lines.map((l) => l + '\n').join(''));
    rmSync(this.paths.partial, { force: true });
    rmSync(this.paths.checkpoint, { force: true });
    rmSync(previousCheckpoint(this.paths.checkpoint), { force: true });
  }
}
