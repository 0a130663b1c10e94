/** The results table: the paper's numbers beside ours, as generated markdown. */
import type { Stat, Summary } from '../experiments/summary';

function pct(s: Stat | undefined): string {
  if (s === undefined || s.n === 0) return '—';
  return `${(100 * s.mean).toFixed(2)}% ± ${(100 * s.std).toFixed(2)} (n=${s.n})`;
}

/** A markdown table of test accuracy per experiment (all, or those in `names`), ours against the paper's. */
export function resultsTable(summary: Summary, names?: string[]): string {
  const lines = [
    `Test accuracy on MNIST's 10,000 test images, mean ± std over seeds (${summary.profile} profile, backend ${summary.backend}). The paper's numbers are Inception-v3 top-1 validation accuracy on ImageNet (read off its figures): compare the orderings, not the values.`,
    '',
    '| Experiment | Paper BN | Paper BRN | Ours BN | Ours BRN | Ours BN, minibatch statistics at inference | Read at step |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [name, variants] of Object.entries(summary.experiments)) {
    if (names !== undefined && !names.includes(name)) continue;
    const config = summary.configs[name];
    const paper = config.paper;
    const step = Object.values(variants)[0]?.step ?? 0;
    lines.push(
      `| ${name}: ${config.title}${paper ? ` (${paper.figure})` : ''} | ${paper?.bn ?? '—'} | ${paper?.brn ?? '—'} | ${pct(variants.bn?.testAccuracy)} | ${pct(variants.brn?.testAccuracy)} | ${variants['bn-batchstats'] ? pct(variants['bn-batchstats'].testAccuracy) : '—'} | ${step.toLocaleString('en-US')} |`,
    );
  }
  const notes = Object.entries(summary.configs).filter(([name]) => names === undefined || names.includes(name)).map(([, c]) => c).flatMap((c) => (c.paper?.notes ? [`- ${c.paper.figure}: ${c.paper.notes}.`] : []));
  if (notes.length > 0) lines.push('', 'Paper, other numbers:', ...notes);
  return lines.join('\n') + '\n';
}
