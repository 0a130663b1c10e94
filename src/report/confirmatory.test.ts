/** The confirmatory round in the report and README: every cell from its summary field, the dates against the rule's commit. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';
import { familiesOf } from '../protocol/rule';
import type { Summary } from '../results/schema';
import { provenanceOf } from '../results/summary';
import type { FinishedRun } from '../results/logs';
import {
  confirmatoryGlance,
  confirmatoryParts,
  confirmatorySection,
  formatP,
  RULE_V2_COMMIT,
  tallyOf,
} from './confirmatory';
import { handJudged, part, reading } from './confirmatory.fixture';
import { untrained } from './untrained';

const RESULTS = join(KIT_ROOT, 'data', 'results');
const FIGURES = join(KIT_ROOT, 'figures');

describe('the confirmatory round in the README and the report', () => {
  it('shows each primary claim with both readings, the p its verdict rests on and the headline', () => {
    const glance = confirmatoryGlance([part(handJudged())]);
    const primary = familiesOf('mnist').find((f) => f.architecture === 'mlp' && f.family === 'primary')!;
    const rows = glance.split('\n').filter((l) => l.startsWith('| MNIST, MLP |'));
    assert.equal(rows.length, primary.claims.length);
    // The split claim: trained reproduced at its Holm p, the average against at the opposite test's Holm p.
    assert.match(rows[0], /\*\*depends on the reading\*\*/);
    assert.match(rows[0], /reproduced: \+1\.11 \[\+1\.01, \+1\.31\], Holm p 0\.0246/);
    assert.match(rows[0], /against: −0\.42 \[−0\.52, −0\.22\], Holm p 0\.0012/);
    assert.match(rows[1], /reproduced: \+4\.44 /);
    assert.match(glance, /MNIST, MLP: 8 secondary claims, 1 depends on the reading, 7 reproduced\./);
    assert.ok(!glance.includes('partial'));
  });

  it('gives every reading of every claim a row with n, δ, raw and Holm p in the report', () => {
    const families = handJudged();
    families[0].claims[0].trained = reading(-0.001, {
      verdict: 'matched',
      margin: 0.0009,
      ci90: [-0.0013, 0.0003],
      p: 0.0004,
      pHolm: 0.0012,
      pAgainst: null,
      pAgainstHolm: null,
    });
    const md = confirmatorySection([part(families)], FIGURES, KIT_ROOT).join('\n');
    const rows = md.split('\n').filter((l) => / \| (trained|average) \| /.test(l));
    const claims = families.flatMap((f) => f.claims);
    assert.equal(rows.length, 2 * claims.length);
    assert.match(
      rows[0],
      /\| trained \| 10 \| −0\.10 \[−0\.20, \+0\.10\] \| ±0\.09 \| <0\.001 \| 0\.0012 \| matched \|/,
    );
    assert.match(rows[1], /\| average \| 10 \| −0\.42 \[−0\.52, −0\.22\] \|  \| <0\.001 \| 0\.0012 \| against \|/);
    assert.match(md, /\*\*Primary family\*\* \(m = 3 for Holm\): 1 depends on the reading, 2 reproduced\./);
  });

  it('names a model with no committed job as not run, a whole round still running as running, and a part without its jobs as partial', () => {
    const unrun = confirmatoryParts(RESULTS).find((p) => p.architecture === 'conv' && p.dataset === 'mnist-triples')!;
    assert.ok(unrun.families.every((f) => f.claims.every((c) => c.headline === 'not run')));
    // The CNN on the 1,000-class task was not run by decision: the report says why, not "yet".
    assert.match(
      confirmatorySection([unrun], FIGURES, KIT_ROOT).join('\n'),
      /Not run, by decision \(2026-12-07\)\. .* 14×42 /,
    );
    const other = { ...unrun, dataset: 'mnist', title: 'MNIST, CNN' };
    // The README's row links the reason to its heading in REPORT.md, by GitHub's anchor of that heading.
    assert.match(
      confirmatoryGlance([unrun]),
      /\*\*not run\*\* \(\[why\]\(REPORT\.md#mnist-triples-1000-classes-cnn\)\)/,
    );
    assert.match(readFileSync(join(KIT_ROOT, 'REPORT.md'), 'utf8'), /^#### MNIST triples \(1,000 classes\), CNN$/m);
    assert.match(confirmatorySection([other], FIGURES, KIT_ROOT).join('\n'), /Not run yet/);
    const inProgress = [
      {
        round: 'cnn',
        architecture: 'conv' as const,
        title: 'the conv round',
        experiments: ['cnn-baseline'],
        planned: 65,
        finished: 14,
        unfinished: [],
      },
    ];
    const running = { ...unrun, summary: { ...unrun.summary!, inProgress } };
    assert.match(
      confirmatorySection([running], FIGURES, KIT_ROOT).join('\n'),
      /Running: 14 of 65 jobs of the conv round are finished and committed/,
    );
    assert.match(confirmatoryGlance([running]), /\*\*running: 14 of 65 jobs\*\*/);
    const partial = part(handJudged(), { jobs: { planned: 90, held: 60, lacking: [] } });
    assert.match(confirmatoryGlance([partial]), /\(partial: 60 of 90 jobs\)/);
    assert.match(confirmatoryGlance([partial]), /count a missing claim at p = 1/);
  });

  it('counts the GN, LN and unnormalized jobs that ended at chance, not BN collapsing on its statistics', () => {
    const v = (values: number[]) => ({ testAccuracy: { values } }) as never;
    const summary = {
      experiments: {
        'triples-baseline': { variants: { gn: v([0.001, 0.0012, 0.8]), bn: v([0.001, 0.001, 0.001]) } },
        'triples-paired': { variants: { ln: v([0.85, 0.86]), none: v([0.0014, 0.9]) } },
      },
    } as unknown as Summary;
    assert.deepEqual(untrained(summary, 1000), [
      { experiment: 'triples-baseline', variant: 'gn', k: 2, n: 3 },
      { experiment: 'triples-paired', variant: 'none', k: 1, n: 2 },
    ]);
  });

  it('shows every committed confirmatory summary as judged, in both readings', () => {
    const parts = confirmatoryParts(RESULTS).filter((p) => p.summary?.ruleV2 !== undefined && p.architecture === 'mlp');
    assert.ok(parts.length >= 2, 'the committed MLP confirmatory summaries');
    const glance = confirmatoryGlance(parts);
    for (const p of parts)
      for (const c of p.families.filter((f) => f.family === 'primary').flatMap((f) => f.claims)) {
        const row = glance.split('\n').find((l) => l.startsWith(`| ${p.title} | ${c.statement} |`));
        assert.ok(row !== undefined, `${p.title}: ${c.statement}`);
        assert.ok(row.includes(`**${c.headline}**`));
        if (c.trained !== null) assert.ok(row.includes(`${c.trained.verdict}: `));
        if (c.average !== null) assert.ok(row.includes(`${c.average.verdict}: `));
      }
    assert.ok(tallyOf(parts[0].families).length > 0);
  });

  it("dates every committed confirmatory log after rule v2's commit, which git knows by that hash and date", () => {
    for (const p of confirmatoryParts(RESULTS)) {
      const first = p.summary?.provenance?.firstStartedAt;
      if (first === undefined || first === null) continue;
      assert.ok(Date.parse(first) > Date.parse(RULE_V2_COMMIT.date), `${p.dataset}: ${first}`);
      assert.equal(p.summary!.provenance!.undated, 0, p.dataset);
    }
    if (!existsSync(join(KIT_ROOT, '.git'))) return;
    let date: string;
    try {
      date = execFileSync('git', ['log', '-1', '--format=%cI', RULE_V2_COMMIT.hash], {
        cwd: KIT_ROOT,
        encoding: 'utf8',
      });
    } catch {
      return; // a shallow clone without the commit
    }
    assert.equal(Date.parse(date.trim()), Date.parse(RULE_V2_COMMIT.date));
  });

  it('reads the start times and commits of the logs, each once', () => {
    const run = (startedAt: string | undefined, commit: string | null, dirty = false) =>
      ({ header: { startedAt, code: commit === null ? null : { commit, dirty } } }) as unknown as FinishedRun;
    const shared = run('2026-12-05T16:00:00.000Z', 'b'.repeat(40));
    assert.deepEqual(
      provenanceOf([run('2026-12-06T01:00:00.000Z', 'a'.repeat(40), true), shared, shared, run(undefined, null)]),
      {
        firstStartedAt: '2026-12-05T16:00:00.000Z',
        lastStartedAt: '2026-12-06T01:00:00.000Z',
        commits: [`${'a'.repeat(40)}+dirty`, 'b'.repeat(40)],
        undated: 1,
      },
    );
    assert.equal(formatP(0.0004), '<0.001');
    assert.equal(formatP(0.02456), '0.0246');
    assert.equal(formatP(0.0499), '0.0499');
    assert.equal(formatP(0.0012), '0.0012');
    assert.equal(formatP(0.254), '0.254');
  });
});
