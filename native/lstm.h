// native/lstm.h — the fused LSTM pointwise step, forward and backward.
// Included by impl.h inside its namespace, once per instruction set (see impl.h); not on its own.

// ================================ LSTM (gate order i, f, g, o) ================================

/** The forward step, written once. Always inlined: lstmForwardT calls it with constant activation
 *  codes and flags, so each instantiation is compiled for them (the switch in act1 folds away);
 *  lstmForwardAny passes them at run time. Either way the same float operations in the same order. */
static inline __attribute__((always_inline)) void lstmForwardBody(float* gates, float* c, float* m, const float* z, const float* cPrev,
    const float* peep, int B, int H, float fb, float L, int ga, int ca, bool hasPeep, bool clip) {
  for (int b = 0; b < B; b++) {
    const float* zr = z + (size_t)b * 4 * H; float* gr = gates + (size_t)b * 4 * H;
    const float* cp = cPrev + (size_t)b * H; float* cr = c + (size_t)b * H; float* mr = m + (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float cpj = cp[j];
      float zi = zr[j], zf = zr[H + j] + fb;
      if (hasPeep) { zi += peep[j] * cpj; zf += peep[H + j] * cpj; }
      const float i = act1(zi, ga), f = act1(zf, ga), g = act1(zr[2 * H + j], ca);
      float ct = f * cpj + i * g;
      if (clip) ct = minf(maxf(ct, -L), L);
      cr[j] = ct;
      float zo = zr[3 * H + j];
      if (hasPeep) zo += peep[2 * H + j] * ct;       // o peeks at the clipped c_t
      const float og = act1(zo, ga);
      gr[j] = i; gr[H + j] = f; gr[2 * H + j] = g; gr[3 * H + j] = og;
      mr[j] = og * act1(ct, ca);
    }
  }
}

template <int GA, int CA, bool PEEP, bool CLIP>
static void lstmForwardT(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                         int B, int H, float fb, float L) {
  lstmForwardBody(gates, c, m, z, cPrev, peep, B, H, fb, L, GA, CA, PEEP, CLIP);
}

template <int GA, int CA>
static void lstmForwardA(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                         int B, int H, float fb, double clip) {
  const float L = (float)clip;
  if (peep) { if (clip >= 0) lstmForwardT<GA, CA, true, true>(gates, c, m, z, cPrev, peep, B, H, fb, L);
              else lstmForwardT<GA, CA, true, false>(gates, c, m, z, cPrev, peep, B, H, fb, L); }
  else { if (clip >= 0) lstmForwardT<GA, CA, false, true>(gates, c, m, z, cPrev, peep, B, H, fb, L);
         else lstmForwardT<GA, CA, false, false>(gates, c, m, z, cPrev, peep, B, H, fb, L); }
}

/** Runtime activation codes (not the common pair): the same body, codes as ordinary arguments. */
static void lstmForwardAny(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                           int B, int H, float fb, double clip, int ga, int ca) {
  lstmForwardBody(gates, c, m, z, cPrev, peep, B, H, fb, (float)clip, ga, ca, peep != nullptr, clip >= 0);
}

static void lstmForward(float* gates, float* c, float* m, const float* z, const float* cPrev, const float* peep,
                        int B, int H, const LstmOpts& o) {
  if (o.gateAct == SIGMOID && o.cellAct == TANH) lstmForwardA<SIGMOID, TANH>(gates, c, m, z, cPrev, peep, B, H, o.forgetBias, o.cellClip);
  else lstmForwardAny(gates, c, m, z, cPrev, peep, B, H, o.forgetBias, o.cellClip, o.gateAct, o.cellAct);
}

/** One row of the LSTM backward (the clip decision in double, exactly as the reference makes it). */
template <bool PEEP, bool CLIP>
static inline void lstmBackwardRow(float* dz, float* dcp_, float* dPeep, const float* dm, const float* dc, const float* gr,
                                   const float* c, const float* cp, const float* peep, int H, double clip, int ga, int ca) {
  #pragma GCC ivdep
  for (int j = 0; j < H; j++) {
    const float i = gr[j], f = gr[H + j], g = gr[2 * H + j], og = gr[3 * H + j];
    const float ct = c[j], cpj = cp[j], dmj = dm[j];
    const float ac = act1(ct, ca);                   // recomputed: cheaper than saving (B,H) per step
    const float dzo = dmj * ac * actGrad1(og, ga);
    float dct = dc[j] + dmj * og * actGrad1(ac, ca);
    if (PEEP) { dct += dzo * peep[2 * H + j]; dPeep[2 * H + j] += dzo * ct; }
    if (CLIP) {
      const double raw = (double)f * (double)cpj + (double)i * (double)g;
      dct = (raw < -clip || raw > clip) ? 0.0f : dct;
    }
    const float dzi = dct * g * actGrad1(i, ga);
    const float dzf = dct * cpj * actGrad1(f, ga);
    dz[j] += dzi;
    dz[H + j] += dzf;
    dz[2 * H + j] += dct * i * actGrad1(g, ca);
    dz[3 * H + j] += dzo;
    float dcp = dct * f;
    if (PEEP) {
      dcp += dzi * peep[j] + dzf * peep[H + j];
      dPeep[j] += dzi * cpj; dPeep[H + j] += dzf * cpj;
    }
    dcp_[j] += dcp;
  }
}

template <int GA, int CA, bool PEEP, bool CLIP>
static void lstmBackwardT(float* dz, float* dcPrev, float* dPeep, const float* dm, const float* dc, const float* gates,
                          const float* c, const float* cPrev, const float* peep, int B, int H, double clip) {
  for (int b = 0; b < B; b++) {
    const size_t s = (size_t)b * H, z4 = (size_t)b * 4 * H;
    lstmBackwardRow<PEEP, CLIP>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, clip, GA, CA);
  }
}

static void lstmBackward(float* dz, float* dcPrev, float* dPeep, const float* dm, const float* dc, const float* gates,
                         const float* c, const float* cPrev, const float* peep, int B, int H, const LstmOpts& o) {
  const bool clip = o.cellClip >= 0;
  if (o.gateAct == SIGMOID && o.cellAct == TANH && !peep) {
    if (clip) lstmBackwardT<SIGMOID, TANH, false, true>(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o.cellClip);
    else lstmBackwardT<SIGMOID, TANH, false, false>(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, o.cellClip);
    return;
  }
  for (int b = 0; b < B; b++) {
    const size_t s = (size_t)b * H, z4 = (size_t)b * 4 * H;
    if (peep) {
      if (clip) lstmBackwardRow<true, true>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, o.cellClip, o.gateAct, o.cellAct);
      else lstmBackwardRow<true, false>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, o.cellClip, o.gateAct, o.cellAct);
    } else {
      if (clip) lstmBackwardRow<false, true>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, o.cellClip, o.gateAct, o.cellAct);
      else lstmBackwardRow<false, false>(dz + z4, dcPrev + s, dPeep, dm + s, dc + s, gates + z4, c + s, cPrev + s, peep, H, o.cellClip, o.gateAct, o.cellAct);
    }
  }
}
