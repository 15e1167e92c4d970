// The ablation's variants (see ablate.ts): plain data with no imports beyond types, so the CLI
// can list them in --help without loading the library.
import type { ActivationName, CellOptions } from "../cells/index.ts";

export interface AblationVariant { name: string; change: string; cell: Partial<CellOptions> }

export const ABLATION_VARIANTS: AblationVariant[] = [
  { name: "baseline", change: "sigmoid gates, tanh cell, forget bias 1", cell: {} },
  { name: "gates hard-sigmoid", change: "gateActivation hardSigmoid", cell: { gateActivation: "hardSigmoid" as ActivationName } },
  { name: "gates tanh", change: "gateActivation tanh (a gate can be negative)", cell: { gateActivation: "tanh" as ActivationName } },
  { name: "cell relu", change: "activation relu (c and h unbounded)", cell: { activation: "relu" as ActivationName } },
  { name: "cell softsign", change: "activation softsign", cell: { activation: "softsign" as ActivationName } },
  { name: "peepholes", change: "usePeepholes true", cell: { usePeepholes: true } },
  { name: "forget bias 0", change: "forgetBias 0", cell: { forgetBias: 0 } },
];

