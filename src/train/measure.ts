/**
 * What a job measures at each evaluation and at the end. Every job is
 * evaluated with its values and with their moving average; a BN job also as
 * standard batchnorm (moving variance) and, on label-grouped experiments,
 * with the statistics of i.i.d. minibatches (label-blind).
 */
import type { DeviceSplit, ExperimentData } from '../data/dataset';
import { coveringBatches, iidSampler, labelGroupedSampler, sampledBatches, type BatchSampler } from '../data/samplers';
import type { ExperimentConfig } from '../protocol/config';
import type { EvalRecord, FinalRecord } from '../results/records';
import type { JobSpec } from './spec';
import { STANDARD_EVAL, type EvalWeights, type Trainer } from './trainer';

/** Seeds of the fixed minibatches used for batch-statistics evaluation (same for every variant). */
const EVAL_SEED_OFFSET = 1_000_003;

const AVERAGE: EvalWeights = { average: true, statistics: 'stddev' };
const VARIANCE: EvalWeights = { average: false, statistics: 'variance' };
const AVERAGE_VARIANCE: EvalWeights = { average: true, statistics: 'variance' };

export function makeSampler(config: ExperimentConfig, split: DeviceSplit, seed: number): BatchSampler {
  return config.sampler.kind === 'iid'
    ? iidSampler(split.count, config.batchSize, seed)
    : labelGroupedSampler(split.hostLabels, config.sampler, seed);
}

/** Of an evaluation record, what the loop knows: the step, the clip and learning rate in force, the timing. */
export type EvalContext = Pick<EvalRecord, 'step' | 'rmax' | 'dmax' | 'learningRate' | 'timing'>;

export class JobMeasures {
  private readonly isBn: boolean;
  /** BN on label-grouped experiments: also normalized with i.i.d. batches' statistics. */
  private readonly iidStats: boolean;
  private readonly evalSeed: number;
  private readonly validationBatches;
  private readonly validationIid;

  constructor(
    private readonly spec: Pick<JobSpec, 'config' | 'variant' | 'seed'>,
    private readonly data: ExperimentData,
    private readonly trainer: Trainer,
  ) {
    const { config } = spec;
    this.isBn = spec.variant === 'bn';
    this.iidStats = this.isBn && config.batchStatsVariant && config.sampler.kind !== 'iid';
    this.evalSeed = spec.seed + EVAL_SEED_OFFSET;
    this.validationBatches = this.drawnLikeTraining(data.validation, config.evalBatches);
    this.validationIid = this.iidStats
      ? sampledBatches(iidSampler(data.validation.count, config.batchSize, this.evalSeed), config.evalBatches)
      : [];
  }

  /** Minibatches drawn like the training ones (the same for every evaluation and variant). */
  private drawnLikeTraining(split: DeviceSplit, batches: number) {
    return sampledBatches(makeSampler(this.spec.config, split, this.evalSeed), batches);
  }

  /** One evaluation on the validation set, with the training tally since the last (none at step 0). */
  evaluation(context: EvalContext): EvalRecord {
    const { trainer, data } = this;
    const train = context.step === 0 ? null : trainer.readTally();
    return {
      kind: 'eval',
      step: context.step,
      rmax: context.rmax,
      dmax: context.dmax,
      learningRate: context.learningRate,
      trainLoss: train?.loss ?? null,
      trainAccuracy: train?.accuracy ?? null,
      validationAccuracy: trainer.inferenceAccuracy(data.validation, STANDARD_EVAL),
      validationAccuracyEma: trainer.inferenceAccuracy(data.validation, AVERAGE),
      validationAccuracyStandard: this.isBn ? trainer.inferenceAccuracy(data.validation, VARIANCE) : null,
      batchStats: trainer.batchStats(data.validation, this.validationBatches),
      batchStatsIid: this.iidStats ? trainer.batchStats(data.validation, this.validationIid) : null,
      renorm: trainer.diagnostics(),
      timing: context.timing,
    };
  }

  /** The final record: test accuracies in every reading, after the last evaluation `last`. */
  final(step: number, last: EvalRecord, timing: FinalRecord['timing']): FinalRecord {
    const { trainer, data, isBn } = this;
    const testDrawn = this.drawnLikeTraining(data.test, Math.floor(data.test.count / this.spec.config.batchSize));
    // Label-blind: i.i.d. minibatches that score every test image once.
    const testIid = this.iidStats ? coveringBatches(data.test.count, this.spec.config.batchSize, this.evalSeed) : [];
    return {
      kind: 'final',
      step,
      validationAccuracy: last.validationAccuracy,
      validationAccuracyEma: last.validationAccuracyEma,
      testAccuracy: trainer.inferenceAccuracy(data.test, STANDARD_EVAL),
      testAccuracyEma: trainer.inferenceAccuracy(data.test, AVERAGE),
      testAccuracyStandard: isBn ? trainer.inferenceAccuracy(data.test, VARIANCE) : null,
      testAccuracyStandardEma: isBn ? trainer.inferenceAccuracy(data.test, AVERAGE_VARIANCE) : null,
      testBatchStats: trainer.batchStats(data.test, testDrawn),
      testBatchStatsEma: trainer.batchStats(data.test, testDrawn, AVERAGE),
      testBatchStatsIid: this.iidStats ? trainer.batchStats(data.test, testIid) : null,
      testBatchStatsIidEma: this.iidStats ? trainer.batchStats(data.test, testIid, AVERAGE) : null,
      timing,
    };
  }
}
