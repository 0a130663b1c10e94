/**
 * The report's parts (a data set and model each, with its summary and figures) and how far a part's
 * protocol has run: a partly run protocol's verdicts are provisional, and the report, the README and
 * notebook 07 say so with the same words.
 */
import type { Summary } from '../results/schema';
import { forProfile, type ExperimentConfig } from '../protocol/config';

/** A summary cut to some of its experiments (and the claims and comparisons that read only them). */
export function restrict(summary: Summary, keep: (experiment: string) => boolean): Summary {
  const pick = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).filter(([e]) => keep(e)));
  return {
    ...summary,
    experiments: pick(summary.experiments),
    curves: pick(summary.curves),
    configs: pick(summary.configs),
    timing: pick(summary.timing),
    claims: summary.claims.filter((c) => keep(c.a.experiment) && keep(c.b.experiment)),
    comparisons: Object.fromEntries(
      Object.entries(summary.comparisons).filter(([, c]) => keep(c.a.experiment) && keep(c.b.experiment)),
    ),
  };
}

export interface ReportPart {
  /** Section title, e.g. "MNIST, MLP". */
  title: string;
  /** A paragraph under the section's title (what the part is, when it is not the current protocol). */
  note?: string;
  summary: Summary;
  /** Figures shown for it, by name, from `figuresDir`. */
  figures: string[];
  figuresDir: string;
  /** Experiments for the normalizer-by-setting table, when the part compares normalizers. */
  glance?: string[];
  /** The protocol's experiments (full profile), when the part may be committed before all its jobs ran. */
  planned?: ExperimentConfig[];
}

/** Own jobs of a protocol (full profile): each experiment's trained variants (not those it shares) times its seeds. */
export function plannedJobs(experiments: ExperimentConfig[]): number {
  return experiments.map((e) => forProfile(e, 'full')).reduce((n, e) => n + e.variants.length * e.seeds.length, 0);
}

/** What the progress of a part's protocol is read from. */
type Progress = Pick<ReportPart, 'summary' | 'planned'>;

/** Each planned experiment (full profile) with the seeds each of its trained variants has run. */
function progress(part: Progress): { name: string; planned: number; runs: number[] }[] {
  return (part.planned ?? [])
    .map((e) => forProfile(e, 'full'))
    .map((e) => ({
      name: e.name,
      planned: e.seeds.length,
      runs: e.variants.map((v) => part.summary.timing[e.name]?.[v]?.msPerStep.n ?? 0),
    }));
}

/** Whether a part's protocol has a planned job not yet in its summary (an own variant short of its seeds). */
export function provisional(part: Progress): boolean {
  return progress(part).some((e) => e.runs.some((n) => n < e.planned));
}

/** What of a part's protocol is committed, when not all of it; else ''. */
export function progressNote(part: Progress): string {
  if (!provisional(part)) return '';
  const all = progress(part);
  const missing = all.filter((e) => e.runs.every((n) => n === 0)).map((e) => `\`${e.name}\``);
  const short = all
    .filter((e) => e.runs.some((n) => n > 0) && e.runs.some((n) => n < e.planned))
    .map((e) => {
      const [lo, hi] = [Math.min(...e.runs), Math.max(...e.runs)];
      return `\`${e.name}\` ${lo === hi ? lo : `${lo} to ${hi}`} of ${e.planned}`;
    });
  return [
    `**Provisional: ${jobsOf(part.summary)} of the protocol's ${plannedJobs(part.planned ?? [])} jobs are committed** (the runner resumes the rest).`,
    short.length > 0 ? ` Seeds run: ${short.join(', ')}.` : '',
    missing.length > 0 ? ` Not yet run: ${missing.join(', ')}.` : '',
    ' The rule is the same at any number of seeds, but a verdict on fewer seeds than planned is provisional: its interval is wider, and the seeds still to run can change it.',
  ].join('');
}

/** A part's name where its verdicts are quoted: marked when they are provisional. */
export const partLabel = (part: ReportPart) => (provisional(part) ? `${part.title} (provisional)` : part.title);

/** Own jobs a summary holds (its timing counts each job once, shared variants not again). */
export const jobsOf = (summary: Summary) =>
  Object.values(summary.timing).reduce(
    (n, v) => n + Object.values(v).reduce((m, t) => m + (t?.msPerStep.n ?? 0), 0),
    0,
  );
