/**
 * The validation-only convergence check that fixes a protocol's step count
 * before its runs: each variant trains on the training split for up to
 * `steps` steps, and only the held-out validation split is ever evaluated
 * (never the test set), every `every` steps. The curves go to a JSON file that
 * the protocol's config cites.
 *
 *   node dist/train/convergence.js <experiment> <variants,…> <steps> <every> <out.json> [--dataset D]
 */
import { initBackend } from '../backend';
import { DataCache } from '../data/dataset';
import { knownDataIdentity } from '../data/identity';
import { writeJsonAtomic } from '../io/atomic';
import type { ExperimentConfig, Variant } from '../protocol/config';
import { experimentByName } from '../protocol/registry';
import { learningRateAt } from '../renorm/schedule';
import { makeSampler } from './measure';
import { STANDARD_EVAL } from './trainer';
import { trainerFor } from './trainers';

export interface ConvergencePoint {
  step: number;
  validationAccuracy: number;
  validationAccuracyEma: number;
  msPerStep: number | null;
}

/** Validation curves of `variants` of `config` (no ramp: the variants checked are not ramped) up to `steps`. */
export function convergenceCurves(
  config: ExperimentConfig,
  variants: Variant[],
  steps: number,
  every: number,
  data: ReturnType<DataCache['get']>,
  log: (line: string) => void = () => {},
): Record<string, ConvergencePoint[]> {
  const curves: Record<string, ConvergencePoint[]> = {};
  for (const variant of variants) {
    const trainer = trainerFor({ config, variant, seed: 1 }, data);
    const sampler = makeSampler(config, data.train, 1);
    const points: ConvergencePoint[] = [];
    let seconds = 0;
    for (let step = 0; step <= steps; step++) {
      if (step % every === 0) {
        const point = {
          step,
          validationAccuracy: trainer.inferenceAccuracy(data.validation, STANDARD_EVAL),
          validationAccuracyEma: trainer.inferenceAccuracy(data.validation, { average: true, statistics: 'stddev' }),
          msPerStep: step === 0 ? null : (1000 * seconds) / every,
        };
        points.push(point);
        log(`${variant} step ${step}: validation ${(100 * point.validationAccuracy).toFixed(2)}%`);
        seconds = 0;
      }
      if (step === steps) break;
      const t0 = process.hrtime.bigint();
      trainer.step(data.train, sampler.next(), null, learningRateAt(step, config.optimizer));
      seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    }
    curves[variant] = points;
    trainer.dispose();
  }
  return curves;
}

async function main(): Promise<void> {
  const [name, variants, steps, every, out, flag, dataset] = process.argv.slice(2);
  if (out === undefined)
    throw new Error('usage: convergence.js <experiment> <variants,…> <steps> <every> <out.json> [--dataset D]');
  const written = experimentByName(name);
  const dataDir = flag === '--dataset' ? knownDataIdentity(dataset).dir : null;
  const config: ExperimentConfig = { ...written, dataDir };
  const backend = await initBackend();
  const data = new DataCache().get(config);
  const started = Date.now();
  const curves = convergenceCurves(
    config,
    variants.split(',') as Variant[],
    Number(steps),
    Number(every),
    data,
    console.log,
  );
  writeJsonAtomic(out, {
    note: 'validation accuracy only (the test set is never evaluated); seed 1; no ramp (bn and gn are not ramped)',
    experiment: name,
    dataset: dataset ?? 'mnist',
    backend,
    steps: Number(steps),
    every: Number(every),
    seconds: (Date.now() - started) / 1000,
    curves,
  });
  console.log(`wrote ${out}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
