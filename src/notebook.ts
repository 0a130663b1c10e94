/**
 * batch-renorm-kit/notebook: what the notebooks import (`../dist/notebook`),
 * so their cells stay plain: the results to show, figures and tables shown so
 * that a notebook opened untrusted, or exported to static HTML, still shows
 * them (PNG images, sanitizable HTML tables: untrusted Jupyter hides SVG and
 * Markdown outputs), beside the kit and the library (re-exported) and the
 * gap demonstration. Importing it starts choosing the fast backend; a
 * notebook's first cell awaits `initBackend()`.
 */
export * from './kit';
import { join, relative } from 'node:path';
import { initBackend } from './backend';
import { KIT_ROOT, kitPaths } from './paths';
import { BASE, forProfile, type Profile } from './protocol/config';
import { CNN_EXPERIMENTS, MAIN_EXPERIMENTS } from './protocol/registry';
import { CONFIRMATORY_SEEDS } from './protocol/rule';
import { averagingFinding } from './report/averaging-finding';
import { markdownToHtml } from './report/html';
import { readingDependent, reportParts, restrict } from './report/report';
import { renderFigureSvg } from './report/make';
import type { Summary } from './results/schema';
import { readSummary, summaryCovers, summaryPath } from './results/store';
import { CONFIRMATORY_DATASETS, confirmatoryGlance, confirmatoryParts, partLines } from './report/confirmatory';
import { confirmatoryVerdictsSpec } from './report/confirmatory-figure';
import { renderSvg, svgToPng } from './report/render';
import { runExperiments } from './train/runner';
export { DEFAULT_QUESTION, questionConfig, answerMarkdown, type Question, type Answer } from './ask';

// Chosen now, so a cell that uses tf before awaiting initBackend() does not land on the slow cpu backend
// unawares; the first cell's `await brn.initBackend()` waits for it and says which it is.
initBackend().catch(() => undefined);

/** One output of a notebook cell, several formats of it: Jupyter shows the richest it may. */
function display(data: Record<string, string>, metadata: Record<string, object> = {}): void {
  // tslab's writer for the running cell (its public `display` sends one format per output).
  const jupyter = require('tslab/dist/jupyter') as {
    lastWriteDisplayData?: (msg: object, update: boolean) => void;
  };
  if (jupyter.lastWriteDisplayData === undefined) {
    console.log(data['text/plain']);
    return;
  }
  jupyter.lastWriteDisplayData({ data, metadata, transient: {} }, false);
}

/** Shows Markdown (tables, lists, findings) as HTML, which Jupyter shows even in an untrusted notebook. */
export function showMarkdown(md: string): void {
  display({ 'text/html': markdownToHtml(md), 'text/plain': md });
}

/** Shows figure `name` of `summary` as a PNG (which untrusted notebooks and static HTML show); an error when the summary lacks its data. */
export async function showFigure(name: string, summary: Summary): Promise<void> {
  showPng(await figureSvg(name, summary), `figure ${name} (${summary.dataset}, ${summary.profile} profile)`);
}

/** Shows a figure, or `note` when the summary cannot draw it yet (a part-run protocol may lack its settings). */
export async function showFigureOr(name: string, summary: Summary, note: string): Promise<void> {
  const svg = await renderFigureSvg(name, summary);
  if (svg === null) showMarkdown(`*${note}*`);
  else showPng(svg, `figure ${name} (${summary.dataset}, ${summary.profile} profile)`);
}

/** Shows an SVG figure as a PNG, with `alt` as its text form. */
export function showPng(svg: string, alt: string): void {
  const png = svgToPng(svg);
  // The PNG is drawn at twice the figure's size (sharp when zoomed): shown at the figure's own width.
  const width = Math.round(png.readUInt32BE(16) / 2);
  display({ 'image/png': png.toString('base64'), 'text/plain': alt }, { 'image/png': { width } });
}

export {
  markdownTable,
  resultsTable,
  claimsTable,
  claimsOf,
  controlsTable,
  findings,
  normalizerTable,
} from './report/table';
export { RULE } from './report/report-text';
export { reportParts, readingDependent, restrict, progressNote, type ReportPart } from './report/report';
export { claimsAtAGlance } from './report/write-report';
export { markdownToHtml } from './report/html';
export { trainInferenceGapDemo, type GapRow } from './train/gap-demo';
export { claimRows, datasetSummaries, agreement, verdictRows, type ClaimRow } from './results/dataset-comparison';
export { batchnormLimit, type BatchnormLimit } from './renorm/batchnorm-limit';

export interface NotebookResults {
  profile: Profile;
  summary: Summary;
  /** A sentence saying which results are shown and where they came from. */
  note: string;
}

const MAIN = MAIN_EXPERIMENTS.map((e) => e.name);

/** Where notebooks run the quick profile: under build/, never over committed results. */
const NOTEBOOK_QUICK = {
  runsDir: join(KIT_ROOT, 'build', 'notebook-quick', 'runs'),
  resultsDir: join(KIT_ROOT, 'build', 'notebook-quick', 'results'),
};

/**
 * The results a notebook shows: the full profile's summary when it holds every
 * paper experiment, otherwise the quick profile, run now into build/ (finished
 * jobs are reused, so only the first notebook pays). `BRN_NOTEBOOK_PROFILE=quick`
 * (set by `make test`) always takes the quick path; `=full` requires full results.
 */
export async function notebookResults(options: { resultsDir?: string; jobs?: number } = {}): Promise<NotebookResults> {
  const forced = process.env.BRN_NOTEBOOK_PROFILE ?? '';
  if (!['', 'quick', 'full'].includes(forced))
    throw new Error(`BRN_NOTEBOOK_PROFILE must be 'quick' or 'full', got '${forced}'`);
  const full = forced === 'quick' ? null : readSummary('full', options.resultsDir);
  if (summaryCovers(full, MAIN)) {
    return {
      profile: 'full',
      summary: full,
      note: `Showing the **full** profile (${BASE.steps.toLocaleString('en-US')} steps) from \`data/results/full/summary.json\`, backend ${full.backend}.`,
    };
  }
  if (forced === 'full')
    throw new Error(
      `BRN_NOTEBOOK_PROFILE=full but the full summary lacks some of ${MAIN.join(', ')}: run 'make reproduce'`,
    );
  const outcome = await runExperiments(MAIN_EXPERIMENTS, {
    profile: 'quick',
    ...NOTEBOOK_QUICK,
    jobs: options.jobs,
    log: null,
  });
  if (outcome.pool.failed.length > 0)
    throw new Error(`quick run failed: ${outcome.pool.failed.map((f) => `${f.job}: ${f.message}`).join('; ')}`);
  if (outcome.summaryProblem !== null) throw new Error(outcome.summaryProblem);
  const { finished, skipped } = outcome.pool;
  return {
    profile: 'quick',
    summary: outcome.summary,
    note:
      (forced === 'quick'
        ? 'BRN_NOTEBOOK_PROFILE=quick, so this shows'
        : 'No full results under `data/results/full`, so this shows') +
      ' the **quick** profile (steps, ramp and averaging window divided by 20, 2 seeds), run into `build/notebook-quick`: ' +
      `${finished.length} jobs run now and ${skipped.length} reused, in ${outcome.seconds.toFixed(0)} s on backend ${outcome.summary.backend}. ` +
      'Run `make reproduce` for the full profile.',
  };
}

/** Figure `name` of `summary` as an SVG string; an error when the summary lacks its data. */
export async function figureSvg(name: string, summary: Summary): Promise<string> {
  const svg = await renderFigureSvg(name, summary);
  if (svg === null) throw new Error(`Figure '${name}' has no data in the ${summary.profile} summary`);
  return svg;
}

/**
 * A sweep figure as markdown-ready parts: from `summary` when it holds the
 * sweep, else from the quick profile's summary when that does (said in the
 * note), else only a note on how to run it.
 */
export async function sweepFigure(
  name: 'microbatch-sweep' | 'non-iid-sweep',
  summary: Summary,
  resultsDir?: string,
): Promise<{ svg: string | null; note: string }> {
  const own = await renderFigureSvg(name, summary);
  if (own !== null) return { svg: own, note: `From the ${summary.profile} profile.` };
  const quick = summary.profile === 'quick' ? null : readSummary('quick', resultsDir);
  const fromQuick = quick === null ? null : await renderFigureSvg(name, quick);
  if (fromQuick !== null)
    return {
      svg: fromQuick,
      note: `The ${summary.profile} results hold no sweep; this one is from the **quick** profile (\`make quick-sweeps\`).`,
    };
  return {
    svg: null,
    note: `No results hold this sweep yet: run \`make quick-sweeps\` (quick profile) or \`make sweeps\` (full).`,
  };
}

/**
 * The parameter-average finding (the report's Appendix B.4) as Markdown: the
 * cost of the average per seed, and `brn reestimate`'s committed reading of
 * the averaged networks when it has been run. Figures are left to the caller.
 */
export function averagingMarkdown(resultsDir?: string): string {
  const dir = kitPaths({ resultsDir }).resultsDir;
  return averagingFinding(dir, null, join(KIT_ROOT, 'notebooks'))
    .filter((line) => !line.startsWith('### '))
    .join('\n');
}

/** The seed counts of a summary's cnn-* variants, as '2' or '2 to 3'. */
function seedsOf(summary: Summary): string {
  const counts = Object.entries(summary.experiments)
    .filter(([e]) => e.startsWith('cnn-'))
    .flatMap(([, r]) => Object.values(r.variants).map((v) => v?.testAccuracy.n ?? 0));
  const [lo, hi] = [Math.min(...counts), Math.max(...counts)];
  return lo === hi ? String(lo) : `${lo} to ${hi}`;
}

/**
 * The conv protocol's results for notebook 07: the confirmatory round at the paper's schedule
 * (`data/results/fashion-mnist/confirmatory`, rule v2) once every one of its jobs has finished
 * (the round enters that summary whole or not at all); until then the committed full
 * Fashion-MNIST summary's cnn-* experiments, the short schedule its logs were run at, said as
 * such with how far the round has run; else the committed quick-profile conv runs.
 * `BRN_NOTEBOOK_PROFILE=quick` takes the quick runs. It trains nothing.
 */
export function cnnResults(options: { resultsDir?: string } = {}): NotebookResults {
  const forced = process.env.BRN_NOTEBOOK_PROFILE ?? '';
  const names = CNN_EXPERIMENTS.map((e) => e.name);
  const cnnOnly = (s: Summary) => restrict(s, (e) => e.startsWith('cnn-'));
  const schedule = (s: Summary) => {
    const c = s.configs['cnn-baseline'];
    return c === undefined
      ? ''
      : `${c.steps.toLocaleString('en-US')} steps, batchnorm alone until step ${c.ramp.warmupSteps.toLocaleString('en-US')}, rmax 3 by step ${c.ramp.rmaxSteps.toLocaleString('en-US')}`;
  };
  // BRN_NOTEBOOK_PROFILE=full asks for the full summary's logs: the round is then only reported as running or done.
  const round = forced === 'quick' ? null : readSummary('confirmatory', options.resultsDir, 'fashion-mnist');
  if (forced !== 'full' && round !== null && round.experiments['cnn-baseline'] !== undefined)
    return {
      profile: 'confirmatory',
      summary: cnnOnly(round),
      note: `Showing the **confirmatory** conv round (${schedule(round)}; rule v2 on ${seedsOf(cnnOnly(round))} fresh seeds) from \`data/results/fashion-mnist/confirmatory/summary.json\`, backend ${round.backend}.`,
    };
  const running = round?.inProgress?.find((r) => r.architecture === 'conv');
  const waiting =
    running === undefined
      ? ''
      : `\n\nThe confirmatory round, ${running.title}, judged by rule v2, is running: ${running.finished} of ${running.planned} jobs are committed. This notebook shows it, and no longer the short schedule, once all are.`;
  const full = forced === 'quick' ? null : readSummary('full', options.resultsDir, 'fashion-mnist');
  if (full !== null && names.some((e) => full.experiments[e] !== undefined)) {
    const summary = cnnOnly(full);
    return {
      profile: 'full',
      summary,
      note: `Showing the conv protocol's **short schedule** (${schedule(summary)}: the paper's ramp compressed, exploratory seeds, rule v1) from \`data/results/fashion-mnist/full/summary.json\`, backend ${full.backend}. The validation-only convergence check (\`data/results/fashion-mnist/cnn-convergence.json\`) found these networks still improving at ${summary.configs['cnn-baseline']?.steps.toLocaleString('en-US') ?? 'their last'} steps; no headline verdict rests on them.${waiting}`,
    };
  }
  if (forced === 'full')
    throw new Error(
      "BRN_NOTEBOOK_PROFILE=full but the full Fashion-MNIST summary lacks the conv experiments: run 'make cnn'",
    );
  const quick = readSummary('quick', options.resultsDir, 'fashion-mnist');
  if (!summaryCovers(quick, names))
    throw new Error(
      "No conv results: run 'make cnn' (full) or 'brn run " + names.join(' ') + " --quick --dataset fashion-mnist'",
    );
  return {
    profile: 'quick',
    summary: cnnOnly(quick),
    note:
      (forced === 'quick'
        ? 'BRN_NOTEBOOK_PROFILE=quick, so this shows'
        : 'The conv protocol is not committed yet, so this shows') +
      ` the committed **quick** conv runs (${forProfile(CNN_EXPERIMENTS[0], 'quick').steps.toLocaleString('en-US')} steps, ${seedsOf(quick)} seeds: too short and too few for verdicts) from \`data/results/fashion-mnist/quick/summary.json\`. Run \`make cnn\` for the protocol.${waiting}`,
  };
}

/** The claims whose verdict differs between the parameter average and the trained parameters, over every committed full summary. */
export function readingDependentMarkdown(options: { resultsDir?: string } = {}): string {
  const paths = kitPaths({ resultsDir: options.resultsDir });
  const lines = readingDependent(reportParts(paths.resultsDir, paths.figuresDir));
  return lines.length === 0 ? 'None: every claim has the same verdict with both readings.' : lines.join('\n');
}

export interface ConfirmatoryResults {
  /** The committed confirmatory summary of the data set, or null where none is committed. */
  summary: Summary | null;
  /** Where it came from, and how far its round has run. */
  note: string;
  /** Rule v2's verdicts on its MLP, family by family, each reading with n, δ, raw and Holm p and interval. */
  verdicts: string;
}

/**
 * The committed confirmatory round of `dataset`'s MLP, or with `architecture: 'conv'` its CNN (rule v2 on
 * its fresh seeds), as the report's
 * section 2.1 shows it. It trains nothing, whatever BRN_NOTEBOOK_PROFILE says: the round's
 * verdicts exist only as committed logs and their summary.
 */
export function confirmatoryResults(
  dataset: string,
  options: { resultsDir?: string; architecture?: 'mlp' | 'conv' } = {},
): ConfirmatoryResults {
  const { resultsDir } = kitPaths({ resultsDir: options.resultsDir });
  const architecture = options.architecture ?? 'mlp';
  const parts = confirmatoryParts(resultsDir);
  const part = parts.find((p) => p.dataset === dataset && p.architecture === architecture);
  if (part === undefined)
    throw new Error(
      parts.some((p) => p.dataset === dataset)
        ? `No confirmatory round of the ${architecture} on '${dataset}': rule v2 declares ${parts
            .filter((p) => p.dataset === dataset)
            .map((p) => p.architecture)
            .join(' and ')}`
        : `Unknown dataset '${dataset}' for the confirmatory round: expected one of ${CONFIRMATORY_DATASETS.join(', ')}`,
    );
  const file = relative(KIT_ROOT, summaryPath(resultsDir, 'confirmatory', dataset));
  if (part.summary === null)
    return {
      summary: null,
      note: `No confirmatory summary is committed at \`${file}\`: \`brn run --confirmatory --dataset ${dataset}\` runs the round (resumable), then \`brn summarize --confirmatory --dataset ${dataset}\`.`,
      verdicts: '',
    };
  return {
    summary: part.summary,
    note: `Showing the committed **confirmatory** round (rule v2, seeds ${CONFIRMATORY_SEEDS[architecture][0]}–${CONFIRMATORY_SEEDS[architecture].at(-1)}) from \`${file}\`, backend ${part.summary.backend}.`,
    verdicts: partLines(part, null, '###').join('\n'),
  };
}

/**
 * The confirmatory round over every data set and model, as the README shows it: rule v2's figure of
 * the primary claims (or of `family`), then the table of each primary claim in both readings with
 * the secondary families' tallies. From the committed summaries; it trains nothing.
 */
export async function showConfirmatoryRound(
  options: { resultsDir?: string; family?: 'primary' | 'secondary' } = {},
): Promise<void> {
  const { resultsDir } = kitPaths({ resultsDir: options.resultsDir });
  const parts = confirmatoryParts(resultsDir);
  const family = options.family ?? 'primary';
  const spec = confirmatoryVerdictsSpec(parts, family);
  if (spec !== null) showPng(await renderSvg(spec), `rule v2's ${family} claims, every data set and model`);
  // The block links REPORT.md from the repository root; a notebook sits one level down.
  showMarkdown(confirmatoryGlance(parts).replaceAll('](REPORT.md', '](../REPORT.md'));
}

export { askQuestion, liveOutput } from './notebook-ask';
