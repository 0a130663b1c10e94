/**
 * What `brn reestimate` writes (`<resultsDir>/[<data set>/]<profile>/reestimate-<experiment>.json`):
 * per job, the test accuracy of the trained network and of its parameter
 * average under several statistics, how far the average's σ is from the
 * averaged weights' own population σ, and how far the averaged weights are
 * from the trained ones. The report's averaging finding reads it.
 */
import { existsSync } from 'node:fs';
import { readJsonFile } from '../io/atomic';
import { join } from 'node:path';
import { dataSubdir } from '../data/identity';
import type { Profile } from '../protocol/config';

/** Test accuracy of one network under each reading. */
export interface ReestimateReadings {
  /** Trained weights, their moving statistics (the log's testAccuracy). */
  trained: number;
  /** Trained weights, population statistics over the training set. */
  trainedPopulation: number;
  /** Averaged weights, averaged moving statistics (the log's testAccuracyEma). */
  average: number;
  /** Averaged weights, population statistics re-estimated over the training set with them. */
  averagePopulation: number;
  /** Averaged weights, the trained network's (current) moving statistics. */
  averageCurrentStatistics: number;
}

/** Median and range over a layer's channels. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface ReestimateLayer {
  layer: string;
  /** Averaged moving σ ÷ the averaged weights' own population σ, over channels. */
  sigmaRatio: Spread;
  /** Averaged moving σ ÷ the trained network's moving σ, over channels. */
  sigmaVsTrained: Spread;
}

export interface ReestimateJob {
  job: string;
  seed: number;
  variant: string;
  readings: ReestimateReadings;
  layers: ReestimateLayer[];
  /** ‖averaged − trained‖ ÷ ‖trained‖ of each weight kernel, by name. */
  weightDrift: { weight: string; drift: number }[];
  /** The committed log's test accuracies, when it exists, and whether the retrained job reproduced them exactly. */
  logged: { testAccuracy: number; testAccuracyEma: number | null; reproduced: boolean } | null;
}

export interface Reestimate {
  dataset: string;
  profile: Profile;
  experiment: string;
  backend: string;
  /** Examples the population statistics were computed over (the training split). */
  trainExamples: number;
  jobs: ReestimateJob[];
}

export function reestimatePath(resultsDir: string, profile: Profile, experiment: string, dataset = 'mnist'): string {
  return join(resultsDir, dataSubdir({ name: dataset }), profile, `reestimate-${experiment}.json`);
}

export function readReestimate(path: string): Reestimate | null {
  if (!existsSync(path)) return null;
  try {
    return readJsonFile<Reestimate>(path);
  } catch (err) {
    throw new Error(`${path}: not a re-estimation result (${(err as Error).message}); rerun brn reestimate`);
  }
}
