/** REPORT.md and REPORT.html from the committed summaries: the MLRC shape, the figures inlined, the same bytes twice. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';
import { testDir } from '../testing';
import { markdownToHtml } from './html';
import { CNN_EXPERIMENTS } from '../protocol/registry';
import { plannedJobs, provisional, reportParts, restrict } from './report';
import { buildReport, claimsAtAGlance, writeReport } from './write-report';

const RESULTS = join(KIT_ROOT, 'data', 'results');
const FIGURES = join(KIT_ROOT, 'figures');

describe('the report', () => {
  it('is written from the committed summaries in the reproducibility-report shape, twice to the same bytes', () => {
    const out = testDir('report');
    const readme = join(out, 'README.md');
    writeFileSync(
      readme,
      'before\n<!-- results:confirmatory:start -->\n<!-- results:confirmatory:end -->\n<!-- results:claims:start -->\nold\n<!-- results:claims:end -->\nafter\n',
    );
    const written = writeReport({ resultsDir: RESULTS, figuresDir: FIGURES, outDir: out, readme });
    assert.deepEqual(written, [join(out, 'REPORT.md'), join(out, 'build', 'REPORT.html'), readme]);
    const md = readFileSync(written[0], 'utf8');
    const html = readFileSync(written[1], 'utf8');
    for (const heading of [
      '## The answer',
      '## Reproducibility summary',
      '## 1 Methodology',
      '### 1.1 Deviations from the papers',
      '### 1.2 Compute',
      '### 1.4 The verdict rule, and what was known when',
      '## 2 Results',
      '### 2.1 The confirmatory round (rule v2)',
      '## 3 Conclusions',
      '## 4 Limitations',
      '## 5 References',
      '## Appendix A: the exploratory round (rule v1, seeds 1–5)',
      '### B.1 The verdicts against the papers',
      '### B.2 Verdicts that depend on the reading',
      '## Appendix C: the confirmatory round’s secondary families',
    ])
      assert.ok(md.includes(`\n${heading}\n`), `REPORT.md lacks '${heading}'`);
    assert.match(md, /### A\.1 MNIST, MLP, exploratory \(rule v1, seeds 1–5\)/);
    // The answer first; the main text (the confirmatory round, its conclusions) before every appendix.
    const at = (text: string) => md.indexOf(text);
    assert.ok(at('## The answer') < at('## Reproducibility summary'));
    assert.ok(at('### 2.1 The confirmatory round') < at('## 3 Conclusions'));
    assert.ok(at('## 5 References') < at('## Appendix A'));
    // The main text shows the primary families; the secondary ones are tallied there and tabled in Appendix C.
    const main = md.slice(0, at('## Appendix A'));
    assert.match(main, /\*\*Secondary family\*\* \(m = \d+ for Holm\): [^\n]*\(Appendix C\)\./);
    assert.doesNotMatch(main, /\| GN − BRN|GN beats BRN \|/);
    // Figures are linked relative to the report and inlined in the HTML: no image is fetched from anywhere.
    assert.match(md, /!\[verdicts\]\(\.\.\/.*figures\/verdicts\.png\)|!\[verdicts\]\(figures\/verdicts\.png\)/);
    const images = html.match(/<img [^>]*src="([^"]*)"/g) ?? [];
    assert.ok(images.length >= 5, `${images.length} images`);
    for (const img of images) assert.match(img, /src="data:image\/png;base64,/);
    assert.doesNotMatch(html, /&lt;details&gt;/);
    const block = readFileSync(readme, 'utf8');
    assert.match(block, /^before\n<!-- results:confirmatory:start -->\nRule v2 \(`src\/protocol\/rule\.ts`/);
    assert.match(
      block,
      /\n<!-- results:confirmatory:end -->\n<!-- results:claims:start -->\nThe exploratory round: rule v1 on seeds 1–5/,
    );
    assert.match(block, /\n\| Claim \| MNIST, MLP \(n=5\) \|/);
    assert.match(block, /\n\| i\.i\.d\. minibatches of 32: BRN matches BN \| \*\*(matched|differs|inconclusive)\*\* /);
    assert.match(block, /<!-- results:claims:end -->\nafter\n$/);
    // Again: the same bytes.
    writeReport({ resultsDir: RESULTS, figuresDir: FIGURES, outDir: out, readme });
    assert.equal(readFileSync(written[0], 'utf8'), md);
    assert.equal(readFileSync(written[1], 'utf8'), html);
  });

  it('claims at a glance: a row per question, a column per data set and model, and what a provisional part has not run', () => {
    const parts = reportParts(RESULTS, FIGURES);
    const short = parts.find((p) => p.title.includes('CNN'));
    assert.ok(short !== undefined && short.planned === undefined, 'the short schedule is no protocol in progress');
    // The conv part cut to its first experiment and held to the current conv protocol: the other settings' claims have not run.
    const cnn = { ...short, title: 'Fashion-MNIST, CNN', planned: CNN_EXPERIMENTS };
    const cut = { ...cnn, summary: restrict(cnn.summary, (e) => e === 'cnn-baseline') };
    assert.equal(provisional(cut), true);
    const text = claimsAtAGlance([parts[0], cut]);
    assert.match(text, /\n\| Claim \| MNIST, MLP \(n=5\) \| Fashion-MNIST, CNN, provisional \(n=\d\) \|\n/);
    // The CNN's "CNN, ..." claims ask the MLP's questions: the same row.
    assert.match(text, /\n\| i\.i\.d\. minibatches of 32: BN beats GN \| \*\*\w[^|]*\| \*\*[a-z ]+\*\* [^|]*\|\n/);
    assert.match(text, /\n\| microbatches of 4: BRN beats BN \| \*\*reproduced\*\* [^|]*\| not yet run \|\n/);
    assert.match(text, /\n\| microbatches of 2: BRN beats BN \| — \| not yet run \|\n/);
    assert.match(text, /\n\| microbatches of 4: the ramp helps [^|]*\| \*\*[^|]*\| — \|\n/);
    assert.match(
      text,
      new RegExp(
        `Fashion-MNIST, CNN: \\*\\*Provisional: \\d+ of the protocol's ${plannedJobs(CNN_EXPERIMENTS)} jobs are committed\\*\\*`,
      ),
    );
    assert.doesNotMatch(claimsAtAGlance([parts[0]]), /rovisional|not yet run/);
    // A column whose claims rest on different numbers of seeds keeps each cell's n (here one claim's n is altered).
    const claims = parts[0].summary.claims.map((c, i) =>
      i === 0 && c.ema !== null ? { ...c, ema: { ...c.ema, n: 2 } } : c,
    );
    const both = claimsAtAGlance([{ ...parts[0], summary: { ...parts[0].summary, claims } }]);
    assert.match(both, /\n\| Claim \| MNIST, MLP \|\n/);
    assert.match(both, /\(n=2\)(; trained: [a-z ]+)? \|/);
    assert.match(both, /\(n=5\)(; trained: [a-z ]+)? \|/);
  });

  it("the committed REPORT.md is what the committed summaries and figures make ('make report' remakes it)", () => {
    const { md } = buildReport({ resultsDir: RESULTS, figuresDir: FIGURES, outDir: KIT_ROOT });
    assert.equal(md, readFileSync(join(KIT_ROOT, 'REPORT.md'), 'utf8'));
  });

  it('Markdown to HTML: tables, lists, code, emphasis, escaping', () => {
    const html = markdownToHtml(
      '# T\n\n| a | b |\n|---|---|\n| **x** | `<y>` |\n\n- one\n  two\n- *three*\n\ntext & more',
    );
    assert.equal(
      html,
      [
        '<h1>T</h1>',
        '<table>',
        '<thead><tr><th>a</th><th>b</th></tr></thead>',
        '<tbody><tr><td><strong>x</strong></td><td><code>&lt;y&gt;</code></td></tr></tbody>',
        '</table>',
        '<ul><li>one two</li><li><em>three</em></li></ul>',
        '<p>text &amp; more</p>',
      ].join('\n'),
    );
    // Emphasis may span code spans, whose contents stay literal (the report's own first line does this).
    assert.equal(
      markdownToHtml('*made by `make report`, from `a*b`*'),
      '<p><em>made by <code>make report</code>, from <code>a*b</code></em></p>',
    );
  });
});
