// The tasks `rnnlab train` knows and their default settings: plain data, no library import, so
// option parsing and --help stay fast.

export const TASKS = ["mnist", "adding", "copy", "recall", "charlm", "names", "births", "co2", "sine"] as const;
export type TaskName = (typeof TASKS)[number];

export interface TaskDefaults { units: number; epochs: number; batchSize: number; lr: number; clip: number; embedding?: number; about: string }

export const TASK_DEFAULTS: Record<TaskName, TaskDefaults> = {
  mnist: { units: 128, epochs: 25, batchSize: 64, lr: 0.003, clip: 5, about: "the note's model: MNIST row by row, 28 steps of 28 pixels, 10 classes" },
  adding: { units: 64, epochs: 30, batchSize: 64, lr: 0.01, clip: 1, about: "adding problem: the sum of two marked values over T steps (MSE; predicting the mean gives 0.167)" },
  copy: { units: 64, epochs: 10, batchSize: 64, lr: 0.01, clip: 1, about: "copy task: reproduce 10 symbols after a delay" },
  recall: { units: 64, epochs: 10, batchSize: 64, lr: 0.01, clip: 1, about: "delayed recall: name the symbol seen `lag` steps ago" },
  charlm: { units: 256, epochs: 5, batchSize: 32, lr: 0.01, clip: 5, embedding: 64, about: "character language model on Moby Dick" },
  names: { units: 128, epochs: 10, batchSize: 64, lr: 0.005, clip: 5, embedding: 32, about: "character model of first names" },
  births: { units: 32, epochs: 20, batchSize: 64, lr: 0.005, clip: 5, about: "US daily births: forecast the next day" },
  co2: { units: 32, epochs: 50, batchSize: 32, lr: 0.005, clip: 5, about: "monthly CO2 at Mauna Loa: forecast the next month" },
  sine: { units: 32, epochs: 10, batchSize: 64, lr: 0.01, clip: 5, about: "sine waves: predict the next value at every step" },
};

