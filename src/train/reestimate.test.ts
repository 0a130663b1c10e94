/** brn reestimate: population statistics computed right, and the quick profile's committed jobs reproduced and read. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { KIT_ROOT } from '../paths';
import { nonIid } from '../protocol/non-iid';
import { readReestimate, reestimatePath } from '../results/reestimate';
import { tf } from '../tf';
import { testDir } from '../testing';
import { FusedTrainer } from './fused-trainer';
import { reestimate } from './reestimate';
import { runTinyJob, tinyData, tinySpec, tmpRuns } from './tiny-job.fixture';

before(async () => {
  await initBackend();
});

after(() => tinyData.dispose());

describe('brn reestimate', () => {
  it("a block's population statistics are the mean and biased variance of its input over the whole split", async () => {
    let checked = false;
    const spec = tinySpec(tmpRuns(), 'brn');
    await runTinyJob(spec, {
      afterTraining: (trainer) => {
        assert.ok(trainer instanceof FusedTrainer);
        const data = tinyData.get(spec.config);
        const values = trainer.valueSet('average');
        const pop = trainer.populationStatistics(data.train, values);
        // The first block's input is x·W1: its statistics need no earlier block.
        const h = tf.matMul(data.train.x, values.params.get('dense1/kernel')!);
        const { mean, variance } = tf.moments(h, 0);
        const first = pop.moving.get('norm1')!;
        const close = (a: tf.Tensor, b: tf.Tensor, what: string) => {
          const [x, y] = [a.dataSync(), b.dataSync()];
          for (let i = 0; i < x.length; i++)
            assert.ok(Math.abs(x[i] - y[i]) <= 1e-4 * (1 + Math.abs(y[i])), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
        };
        close(first.mean, mean, 'mean');
        close(first.variance, variance, 'variance');
        close(first.std, tf.sqrt(tf.add(variance, 0.001)), 'std');
        // The second block's input is the first block's inference output, normalized with the first block's
        // population statistics (not its moving ones), times W2.
        const p = (name: string) => values.params.get(name)!;
        const y1 = tf.relu(tf.add(tf.mul(p('norm1/gamma'), tf.div(tf.sub(h, first.mean), first.std)), p('norm1/beta')));
        const h2 = tf.matMul(y1, p('dense2/kernel'));
        const second = tf.moments(h2, 0);
        close(pop.moving.get('norm2')!.mean, second.mean, 'norm2 mean');
        close(pop.moving.get('norm2')!.variance, second.variance, 'norm2 variance');
        // They are not the moving statistics, which the averaged values keep unchanged.
        const moved = tf.max(tf.abs(tf.sub(pop.moving.get('norm2')!.mean, values.moving.get('norm2')!.mean)));
        assert.ok(moved.dataSync()[0] > 1e-3, 'population and moving means differ after 40 steps');
        assert.equal(pop.params, values.params);
        tf.dispose([h, mean, variance, y1, h2, second.mean, second.variance, moved]);
        checked = true;
      },
    });
    assert.ok(checked, 'the hook ran');
  });

  it("retrains a committed quick job bit for bit and reads it five ways (the averaged network's readings included)", async () => {
    const resultsDir = testDir('results');
    const { result, path } = await reestimate(nonIid, {
      profile: 'quick',
      seeds: 1,
      variants: ['brn'],
      runsDir: join(KIT_ROOT, 'data', 'runs'),
      resultsDir,
    });
    assert.equal(path, reestimatePath(resultsDir, 'quick', 'non-iid'));
    assert.deepEqual(readReestimate(path), JSON.parse(JSON.stringify(result)));
    assert.equal(result.jobs.length, 1);
    const [job] = result.jobs;
    assert.equal(job.job, 'quick/non-iid/brn-seed1');
    assert.ok(job.logged !== null, 'the committed log was found');
    assert.equal(job.logged.reproduced, true);
    // The trained and averaged readings are the log's own numbers.
    assert.equal(job.readings.trained, job.logged.testAccuracy);
    assert.equal(job.readings.average, job.logged.testAccuracyEma);
    for (const [name, value] of Object.entries(job.readings)) assert.ok(value > 0.1 && value <= 1, `${name}: ${value}`);
    assert.deepEqual(
      job.layers.map((l) => l.layer),
      ['norm1', 'norm2', 'norm3'],
    );
    for (const l of job.layers) assert.ok(l.sigmaRatio.min > 0 && l.sigmaRatio.min <= l.sigmaRatio.max);
    assert.deepEqual(
      job.weightDrift.map((w) => w.weight),
      ['dense1/kernel', 'dense2/kernel', 'dense3/kernel', 'logits/kernel'],
    );
    assert.equal(result.trainExamples, 55_000);
  });
});
