/**
 * Notebook 08's cells: a question asked with a live progress bar and
 * validation curves that redraw as evaluations arrive (Jupyter display
 * updates, as PNG and HTML so an untrusted notebook shows them), then the
 * answer in the rule's words (`ask.ts`).
 */
import { relative } from 'node:path';
import {
  answerMarkdown,
  ask,
  ASK_DIR,
  expectedSeconds,
  jobsToTrain,
  questionConfig,
  type Answer,
  type Question,
} from './ask';
import { KIT_ROOT } from './paths';
import { markdownToHtml } from './report/html';
import { renderSvg, svgToPng } from './report/render';
import { defaultJobs } from './train/pool';

/** Shows Markdown as HTML (which Jupyter shows untrusted), as a new output. */
function showMarkdown(md: string): void {
  liveOutput().markdown(md);
}

let liveOutputs = 0;

/** One output that each call replaces (Jupyter's display updates): a progress bar, a curve that redraws. */
export function liveOutput(): { markdown(md: string): void; png(svg: string, alt: string): void } {
  const id = `brn-live-${process.pid}-${++liveOutputs}`;
  let shown = false;
  const send = (data: Record<string, string>, metadata: Record<string, object> = {}) => {
    const jupyter = require('tslab/dist/jupyter') as {
      lastWriteDisplayData?: (msg: object, update: boolean) => void;
    };
    if (jupyter.lastWriteDisplayData === undefined) {
      console.log(data['text/plain']);
      return;
    }
    jupyter.lastWriteDisplayData({ data, metadata, transient: { display_id: id } }, shown);
    shown = true;
  };
  return {
    markdown: (md) => send({ 'text/html': markdownToHtml(md), 'text/plain': md }),
    png: (svg, alt) => {
      const png = svgToPng(svg);
      send(
        { 'image/png': png.toString('base64'), 'text/plain': alt },
        { 'image/png': { width: Math.round(png.readUInt32BE(16) / 2) } },
      );
    },
  };
}

const bar = (fraction: number, width = 30) => {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `\`${'█'.repeat(full)}${'░'.repeat(width - full)}\``;
};
const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;

/**
 * Notebook 08: asks `question` (`ask.ts`) with a live progress bar and a
 * validation curve that redraws as evaluations arrive, then shows the answer
 * in the rule's words. Says the expected time before it starts.
 */
export async function askQuestion(question: Question, options: { dir?: string; jobs?: number } = {}): Promise<Answer> {
  const config = questionConfig(question);
  const workers = Math.min(options.jobs ?? defaultJobs(), question.normalizers.length * question.seeds);
  const jobs = question.normalizers.length * question.seeds;
  const expected = expectedSeconds(question, workers, options.dir);
  const toTrain = jobsToTrain(question, options.dir);
  showMarkdown(
    `${jobs} jobs (${toTrain === jobs ? '' : `${jobs - toTrain} finished already; `}${question.normalizers.map((n) => n.toUpperCase()).join(', ')} × seeds 1–${question.seeds}), ${question.steps} steps each, on ${workers} worker(s), into \`${relative(KIT_ROOT, options.dir ?? ASK_DIR) || '.'}\` (finished jobs are reused).` +
      (expected === null
        ? ''
        : ` Expected: about ${clock(expected)} (the committed quick round's seconds a step for this model, and what a job cost beyond its steps when last measured here).`),
  );
  const progressOut = liveOutput();
  const curveOut = liveOutput();
  const started = Date.now();
  const latest = new Map<string, { step: number; steps: number }>();
  const done = new Set<string>();
  const points: { step: number; accuracy: number; normalizer: string; seed: number }[] = [];
  let lastBar = 0;
  let lastCurve = 0;
  const drawBar = (force = false) => {
    if (!force && Date.now() - lastBar < 500) return;
    lastBar = Date.now();
    const steps = jobs * question.steps;
    let doneSteps = done.size * question.steps;
    for (const [job, p] of latest) if (!done.has(job)) doneSteps += p.step;
    const seconds = (Date.now() - started) / 1000;
    const f = doneSteps / steps;
    const eta = f > 0 && f < 1 ? `, about ${clock((seconds * (1 - f)) / f)} left` : '';
    progressOut.markdown(
      `${bar(f)} ${(100 * f).toFixed(0)}% · ${done.size} of ${jobs} jobs done · ${clock(seconds)}${eta}`,
    );
  };
  const drawCurve = async (force = false) => {
    if (points.length === 0 || (!force && Date.now() - lastCurve < 2000)) return;
    lastCurve = Date.now();
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: {
        text: 'Validation accuracy, trained parameters (a line per seed)',
        subtitle: config.title,
        fontSize: 13,
      },
      width: 520,
      height: 240,
      background: 'white',
      data: { values: points.map((p) => ({ ...p, accuracy: 100 * p.accuracy })) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickCount: 6, labelOverlap: true } },
        y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy (%)', scale: { zero: false } },
        color: { field: 'normalizer', type: 'nominal', title: null },
        detail: { field: 'seed', type: 'nominal' },
      },
    };
    curveOut.png(await renderSvg(spec as never), `validation accuracy so far: ${points.length} evaluations`);
  };
  const answer = await ask(question, {
    dir: options.dir,
    jobs: workers,
    onProgress: (p) => {
      latest.set(p.job, { step: p.step, steps: p.steps });
      const m = /\/([a-z-]+)-seed(\d+)$/.exec(p.job);
      if (p.validationAccuracy !== null && m !== null) {
        const key = { normalizer: m[1].toUpperCase(), seed: Number(m[2]) };
        if (!points.some((q) => q.step === p.step && q.normalizer === key.normalizer && q.seed === key.seed))
          points.push({ step: p.step, accuracy: p.validationAccuracy, ...key });
        void drawCurve();
      }
      drawBar();
    },
    onDone: (job) => {
      done.add(job);
      drawBar(true);
    },
  });
  drawBar(true);
  await drawCurve(true);
  if (expected !== null) showMarkdown(`Took ${clock(answer.seconds)} (expected about ${clock(expected)}).`);
  showMarkdown(answerMarkdown(answer));
  return answer;
}
