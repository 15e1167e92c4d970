// Moving time-major rows (T, B, W) around: the per-row time reversal of a bidirectional RNN's
// backward direction, and joining / splitting the features of two directions.

/** out[t, b] = inp[len_b − 1 − t, b] for t < len_b, else inp[t, b] (tf.reverse_sequence); accumulate: += */
export function reverseRows(out: Float32Array | Float64Array, inp: Float32Array | Float64Array,
                            lengths: Int32Array | null, T: number, B: number, W: number, accumulate = false): void {
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b] : T;
    for (let t = 0; t < T; t++) {
      const src = t < len ? len - 1 - t : t;
      const o = (t * B + b) * W, i = (src * B + b) * W;
      if (accumulate) for (let j = 0; j < W; j++) out[o + j] += inp[i + j];
      else for (let j = 0; j < W; j++) out[o + j] = inp[i + j];
    }
  }
}

/** out (rows, W_total) columns [at, at + W) = part (rows, W) */
export function putColumns(out: Float32Array | Float64Array, part: Float32Array | Float64Array,
                           rows: number, wTotal: number, at: number, W: number): void {
  if (W === wTotal) { out.set(part.subarray(0, rows * W)); return; }       // one direction: a plain copy
  for (let r = 0; r < rows; r++) out.set(part.subarray(r * W, (r + 1) * W), r * wTotal + at);
}

/** part (rows, W) = out (rows, W_total) columns [at, at + W) */
export function takeColumns(part: Float32Array | Float64Array, whole: Float32Array | Float64Array,
                            rows: number, wTotal: number, at: number, W: number): void {
  if (W === wTotal) { part.set(whole.subarray(0, rows * W)); return; }
  for (let r = 0; r < rows; r++) part.set(whole.subarray(r * wTotal + at, r * wTotal + at + W), r * W);
}
