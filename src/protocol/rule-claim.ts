/** Rule v2's claim and family types, and the helpers its family files declare claims with. */
import type { Architecture } from '../models';
import type { Side } from './claims';
import type { SummaryVariant } from './variants';

export type Family = 'primary' | 'secondary';

/** A claim of rule v2: like v1's, in a family, with BN read as standard BN. */
export interface RuleClaim {
  id: string;
  statement: string;
  paper: string;
  kind: 'beats' | 'matches';
  family: Family;
  b: Side;
  a: Side;
}

/** A family of claims judged together: one data set × model, primary or secondary. */
export interface ClaimFamily {
  /** Data sets (summary `dataset` names) and the model the family is for. */
  datasets: string[];
  architecture: Architecture;
  family: Family;
  claims: RuleClaim[];
}

export const side = (experiment: string, variant: SummaryVariant): Side => ({ experiment, variant });
export const BN = 'bn-standard';

export function claim(
  family: Family,
  id: string,
  kind: RuleClaim['kind'],
  b: Side,
  a: Side,
  statement: string,
  paper: string,
): RuleClaim {
  return { id, statement, paper, kind, family, b, a };
}
