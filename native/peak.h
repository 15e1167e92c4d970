// native/peak.h — the FMA ceiling of one core.
// Included by impl.h inside its namespace, once per instruction set (see impl.h); not on its own.

// ================================ the FMA ceiling ================================

/** 24 independent multiply-add chains (more than the FMA latency × ports in flight), no memory. */
static double peak(double seconds) {
  constexpr int CH = VL == 16 ? 24 : 12;              // 32 registers with AVX-512, 16 otherwise
  vf acc[CH];
  for (int c = 0; c < CH; c++) acc[c] = splat(1.0f + c * 1e-3f);
  const vf mul = splat(0.999999f), add = splat(1e-7f);
  long iters = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double elapsed = 0;
  do {
    for (int r = 0; r < 4096; r++) {
#pragma GCC unroll 24
      for (int c = 0; c < CH; c++) acc[c] = acc[c] * mul + add;
    }
    iters += 4096;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (elapsed < seconds);
  float sink = 0;
  for (int c = 0; c < CH; c++) sink += acc[c][0];
  if (sink == 12345.f) std::abort();
  return 2.0 * VL * CH * (double)iters / elapsed / 1e9;
}
