/**
 * Logs that prove they are whole. A finished log's last line is its final
 * record, sealed with a digest: `"digest":"sha256:<hex>"`, the SHA-256 of the
 * log's bytes up to and including the final record written without its
 * digest (every line with its newline). A log is finished only when it parses
 * line by line, starts with a header, ends with a sealed final record, and
 * the digest matches: a cut line, a missing final record or a number edited
 * anywhere after the run is found, and named by file and line.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic';
import {
  missingEvaluation,
  plannedEvalSteps,
  type EvalRecord,
  type FinalRecord,
  type HeaderRecord,
  type JobRecord,
} from './records';

const MARK = ',"digest":"sha256:';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The final line of a log whose earlier lines are `lines` (without newlines): `final` with its digest. */
export function sealedFinalLine(lines: string[], final: FinalRecord | string): string {
  const body = typeof final === 'string' ? final : JSON.stringify(final);
  const digest = sha256(lines.map((l) => l + '\n').join('') + body + '\n');
  return `${body.slice(0, -1)}${MARK}${digest}"}`;
}

/** What is wrong with a log, for messages: where, and what to do. */
export type LogFault = 'unreadable' | 'corrupt' | 'unfinished' | 'unsealed' | 'tampered' | 'trailing' | 'incomplete';

export class LogProblem extends Error {
  constructor(
    readonly path: string,
    readonly fault: LogFault,
    /** 1-based line, where one is to blame. */
    readonly line: number | null,
    detail: string,
  ) {
    super(`${path}${line === null ? '' : `:${line}`}: ${detail}`);
  }
}

export interface FinishedLog {
  header: HeaderRecord;
  evals: EvalRecord[];
  final: FinalRecord;
  records: JobRecord[];
}

/** Reads and verifies a finished log; a `LogProblem` says what is wrong and where. */
export function readFinishedLog(path: string): FinishedLog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LogProblem(path, 'unreadable', null, `cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const lines = text.split('\n');
  const cutShort = lines[lines.length - 1] !== '';
  if (!cutShort) lines.pop();
  // A sealed final record that checks, with lines after it: the job finished and its log was appended to.
  const sealedAt = lines.findIndex(
    (l, i) => i < lines.length - 1 && l.startsWith('{"kind":"final"') && sealMatches(lines, i),
  );
  if (sealedAt >= 0) {
    throw new LogProblem(
      path,
      'trailing',
      sealedAt + 2,
      `line ${sealedAt + 2} comes after the sealed final record (line ${sealedAt + 1}): the job finished, and its log was appended to`,
    );
  }
  const records: JobRecord[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      records.push(JSON.parse(line) as JobRecord);
    } catch {
      const what =
        i === lines.length - 1 && cutShort ? 'is cut short (the last line, with no newline)' : 'is not a JSON record';
      throw new LogProblem(path, 'corrupt', i + 1, `line ${i + 1} ${what}`);
    }
  }
  if (records[0]?.kind !== 'header') throw new LogProblem(path, 'corrupt', 1, 'the log does not start with its header');
  const final = records[records.length - 1];
  if (final.kind !== 'final' || cutShort) {
    throw new LogProblem(path, 'unfinished', lines.length, 'the log has no final record: the job did not finish');
  }
  const last = lines[lines.length - 1];
  if (last.lastIndexOf(MARK) < 0) {
    throw new LogProblem(
      path,
      'unsealed',
      lines.length,
      'the final record has no digest (a log made before logs were sealed)',
    );
  }
  if (!sealMatches(lines, lines.length - 1)) {
    throw new LogProblem(
      path,
      'tampered',
      null,
      'the records do not match their digest: the log was changed after the run',
    );
  }
  const evals = records.filter((r): r is EvalRecord => r.kind === 'eval');
  return { header: records[0] as HeaderRecord, evals, final: final as FinalRecord, records };
}

/** Whether line `i` of `lines` is a final record whose digest matches the lines up to it. */
function sealMatches(lines: string[], i: number): boolean {
  const at = lines[i].lastIndexOf(MARK);
  if (at < 0) return false;
  const expected = lines[i].slice(at + MARK.length, -2);
  const body = lines[i].slice(0, at) + '}';
  return (
    sha256(
      lines
        .slice(0, i)
        .map((l) => l + '\n')
        .join('') +
        body +
        '\n',
    ) === expected
  );
}

/** What a user can do about a faulty finished log. */
export function remedy(problem: LogProblem): string {
  switch (problem.fault) {
    case 'unsealed':
      return 'seal it with `brn seal-logs` (checks every record and adds the digest; no result changes)';
    case 'trailing':
      return `keep its first ${(problem.line ?? 1) - 1} lines (\`head -n ${(problem.line ?? 1) - 1} ${problem.path} > ${problem.path}.tmp && mv ${problem.path}.tmp ${problem.path}\`): its sealed result then checks, with nothing to retrain`;
    case 'tampered':
      return 'restore it (git checkout, or the copy it came from), or remove it and rerun the job';
    default:
      return 'rerun the job (`brn run` moves the bad log aside and trains it again, from its last checkpoint if one is there)';
  }
}

/** The records of a finished log, verified; a faulty log is a `LogProblem`. */
export function readJobRecords(path: string): JobRecord[] {
  return readFinishedLog(path).records;
}

/**
 * The one-time migration of a log made before logs were sealed: when it is
 * otherwise whole (every line a record, a header first and a final record
 * last), its final line gets its digest, the bytes of every record kept as
 * they are; nothing else is touched. Returns what was done; a log with any
 * other fault is a `LogProblem`.
 */
export function sealLog(path: string): 'sealed' | 'already sealed' {
  try {
    readFinishedLog(path);
    return 'already sealed';
  } catch (err) {
    if (!(err instanceof LogProblem) || err.fault !== 'unsealed') throw err;
  }
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop();
  const last = lines.pop()!;
  // A gap is never sealed: every evaluation the config plans must be there, in order.
  const records = lines.map((l) => JSON.parse(l) as JobRecord);
  const header = records[0] as HeaderRecord;
  const evals = records.filter((r): r is EvalRecord => r.kind === 'eval');
  const gap = header.config === undefined ? null : missingEvaluation(header.config, evals);
  if (gap !== null) {
    throw new LogProblem(
      path,
      'incomplete',
      null,
      `the evaluations are not the ${plannedEvalSteps(header.config).length} the config plans (step ${gap.step} is ${evals[gap.index] === undefined ? 'missing' : `where step ${evals[gap.index].step} is`}): not sealed`,
    );
  }
  writeFileAtomic(path, [...lines, sealedFinalLine(lines, last)].map((l) => l + '\n').join(''));
  readFinishedLog(path);
  return 'sealed';
}
