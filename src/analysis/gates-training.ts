// How gate saturation develops with training: the model is trained with fit(), and every `every`
// steps (and once before the first) layer 0's gates are measured on one fixed held-out batch
// (gates.ts: mean and the fraction within 0.05 of either end). The note's claim "gates saturate
// near 0 and 1" is then a curve, not a single snapshot.
import type { Batch, SeqDataset } from "../train/batch.ts";
import type { SequenceModel } from "../train/model.ts";
import { fit, type FitOptions, type StepInfo } from "../train/fit.ts";
import { modelGateStats, type GateStats } from "./gates.ts";
import { checkInt } from "../errors.ts";

export interface GateTrainingPoint {
  step: number;
  /** the training loss of that step (NaN before the first) */
  loss: number;
  gates: { name: string; mean: number; saturatedLow: number; saturatedHigh: number }[];
}

export interface GateTraining {
  cell: string; hiddenSize: number; every: number; steps: number;
  /** the probe batch: B sequences of T steps */
  B: number; T: number;
  points: GateTrainingPoint[];
  /** the full statistics (histograms) before and after training */
  before: GateStats; after: GateStats;
}

function point(step: number, loss: number, s: GateStats): GateTrainingPoint {
  return { step, loss, gates: s.gates.map((g) => ({ name: g.name, mean: g.mean, saturatedLow: g.saturatedLow, saturatedHigh: g.saturatedHigh })) };
}

/** Train `model` on `data` with fit(options), measuring the gates on `probe` every `every` steps. */
export function gatesDuringTraining(model: SequenceModel, data: SeqDataset, probe: Batch, options: FitOptions & { every?: number }): GateTraining {
  const { every: everyOpt, onStep, ...fitOptions } = options;
  const every = checkInt("gatesDuringTraining", "every", everyOpt ?? 50, 1);
  const before = modelGateStats(model, probe);
  const points: GateTrainingPoint[] = [point(0, NaN, before)];
  let last: StepInfo | null = null;
  fit(model, data, {
    ...fitOptions,
    onStep: (s) => {
      last = s;
      if (s.step % every === 0) points.push(point(s.step, s.loss, modelGateStats(model, probe)));
      onStep?.(s);
    },
  });
  const after = modelGateStats(model, probe);
  const final = last as StepInfo | null;
  if (final && points[points.length - 1].step !== final.step) points.push(point(final.step, final.loss, after));
  return { cell: before.cell, hiddenSize: before.hiddenSize, every, steps: final?.step ?? 0, B: probe.input.B, T: probe.input.T, points, before, after };
}
