/**
 * A job's log as it is written: the partial file grows a line per record, and
 * at the end the whole log, its final record sealed with the digest of every
 * record (`results/seal.ts`), is written under the finished name in one
 * atomic rename; the partial file and the checkpoints then go.
 */
import { appendFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic';
import type { JobFiles } from '../results/layout';
import { previousCheckpoint } from './checkpoint';
import type { FinalRecord, JobRecord } from '../results/records';
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
    appendFileSync(this.paths.partial, this.lines[this.lines.length - 1] + '\n');
    return record;
  }

  /** Appends the final record, sealed, and publishes the finished log. */
  finish(final: FinalRecord): void {
    this.lines.push(sealedFinalLine(this.lines, final));
    appendFileSync(this.paths.partial, this.lines[this.lines.length - 1] + '\n');
    writeFileAtomic(this.paths.final, this.lines.map((l) => l + '\n').join(''));
    rmSync(this.paths.partial, { force: true });
    rmSync(this.paths.checkpoint, { force: true });
    rmSync(previousCheckpoint(this.paths.checkpoint), { force: true });
  }
}
