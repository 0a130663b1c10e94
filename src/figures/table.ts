/** Markdown tables: any rows of objects, and the results table (the paper's numbers beside ours). */
import { datasetTitle } from '../data/datasets';
import { formatStat as pct, variantEntries, type Summary } from '../experiments/summary';

/** Rows of objects as a markdown table, one column per key of the first row (for `tslab.display.markdown`). */
export function markdownTable<T extends object>(rows: T[], format: (key: string, value: unknown) => string = (_k, v) => String(v)): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]) as (keyof T & string)[];
  return [`| ${keys.join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${keys.map((k) => format(k, r[k])).join(' | ')} |`)].join('\n');
}

/** A markdown table of test accuracy per experiment (all, or those in `names`), ours against the paper's. */
export function resultsTable(summary: Summary, names?: string[]): string {
  const rows = Object.entries(summary.experiments)
    .filter(([name]) => names === undefined || names.includes(name))
    .map(([name, variants]) => {
      const config = summary.configs[name];
      const paper = config.paper;
      const step = variantEntries(variants)[0]?.[1].step ?? 0;
      return {
        Experiment: `${name}: ${config.title}${paper ? ` (${paper.figure})` : ''}`,
        'Paper BN': paper?.bn ?? '—',
        'Paper BRN': paper?.brn ?? '—',
        'Ours BN': pct(variants.bn?.testAccuracy),
        'Ours BRN': pct(variants.brn?.testAccuracy),
        'Ours BN, minibatch statistics at inference': pct(variants['bn-batchstats']?.testAccuracy),
        'Read at step': step.toLocaleString('en-US'),
      };
    });
  const lines = [
    `Test accuracy on ${datasetTitle(summary.dataset ?? 'mnist')}'s 10,000 test images, mean ± std over seeds (${summary.profile} profile, backend ${summary.backend}). The paper's numbers are Inception-v3 top-1 validation accuracy on ImageNet (read off its figures): compare the orderings, not the values.`,
    '',
    markdownTable(rows),
  ];
  const notes = Object.entries(summary.configs).filter(([name]) => names === undefined || names.includes(name)).map(([, c]) => c).flatMap((c) => (c.paper?.notes ? [`- ${c.paper.figure}: ${c.paper.notes}.`] : []));
  if (notes.length > 0) lines.push('', 'Paper, other numbers:', ...notes);
  return lines.join('\n') + '\n';
}
