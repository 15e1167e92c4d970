// native/gru.h — the fused GRU pointwise steps, forward and backward.
// Included by impl.h inside its namespace, once per instruction set (see impl.h); not on its own.

// ================================ GRU (gate order r, z, n) ================================

template <int GA>
static void gruGatesForwardT(float* gates, float* rh, const float* xz, const float* hRZ, const float* hPrev, int B, int H, int ga) {
  for (int b = 0; b < B; b++) {
    float* g = gates + (size_t)b * 3 * H; const float* x = xz + (size_t)b * 3 * H; const float* r = hRZ + (size_t)b * 2 * H;
    #pragma GCC ivdep
    for (int j = 0; j < 2 * H; j++) g[j] = act1(x[j] + r[j], GA < 0 ? ga : GA);
    const float* hp = hPrev + (size_t)b * H; float* o = rh + (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) o[j] = g[j] * hp[j];
  }
}
static void gruGatesForward(float* gates, float* rh, const float* xz, const float* hRZ, const float* hPrev, int B, int H, int ga) {
  if (ga == SIGMOID) gruGatesForwardT<SIGMOID>(gates, rh, xz, hRZ, hPrev, B, H, ga);
  else gruGatesForwardT<-1>(gates, rh, xz, hRZ, hPrev, B, H, ga);
}

template <int CA, bool RA>
static void gruCandidateForwardT(float* gates, float* h, const float* xz, const float* hN, const float* hPrev, int B, int H, int ca) {
  for (int b = 0; b < B; b++) {
    float* g = gates + (size_t)b * 3 * H; const float* x = xz + (size_t)b * 3 * H;
    const float* hn = hN + (size_t)b * H; const float* hp = hPrev + (size_t)b * H; float* ho = h + (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float r = g[j], zg = g[H + j];
      const float n = act1(x[2 * H + j] + (RA ? r * hn[j] : hn[j]), CA < 0 ? ca : CA);
      g[2 * H + j] = n;
      ho[j] = (1.0f - zg) * n + zg * hp[j];
    }
  }
}
static void gruCandidateForward(float* gates, float* h, const float* xz, const float* hN, const float* hPrev, int B, int H,
                                int resetAfter, int ca) {
  if (ca == TANH) { if (resetAfter) gruCandidateForwardT<TANH, true>(gates, h, xz, hN, hPrev, B, H, ca);
                    else gruCandidateForwardT<TANH, false>(gates, h, xz, hN, hPrev, B, H, ca); }
  else { if (resetAfter) gruCandidateForwardT<-1, true>(gates, h, xz, hN, hPrev, B, H, ca);
         else gruCandidateForwardT<-1, false>(gates, h, xz, hN, hPrev, B, H, ca); }
}

template <int GA, int CA, bool RA>
static void gruCandidateBackwardT(float* dxz, float* dhRZ, float* dhN, float* dhPrev, const float* dh, const float* gates,
                                  const float* hN, const float* hPrev, int B, int H, int ga_, int ca_) {
  const int ga = GA < 0 ? ga_ : GA, ca = CA < 0 ? ca_ : CA;
  for (int b = 0; b < B; b++) {
    const float* g = gates + (size_t)b * 3 * H; float* dx = dxz + (size_t)b * 3 * H; float* drz = dhRZ + (size_t)b * 2 * H;
    const size_t s = (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float r = g[j], zg = g[H + j], n = g[2 * H + j];
      const float d = dh[s + j], hp = hPrev[s + j];
      const float dn = d * (1.0f - zg) * actGrad1(n, ca);
      const float dzz = d * (hp - n) * actGrad1(zg, ga);
      dx[2 * H + j] += dn;
      dx[H + j] += dzz; drz[H + j] += dzz;
      if (RA) {
        dhN[s + j] += dn * r;
        const float dr = dn * hN[s + j] * actGrad1(r, ga);
        dx[j] += dr; drz[j] += dr;
      } else {
        dhN[s + j] += dn;
      }
      dhPrev[s + j] += d * zg;
    }
  }
}
static void gruCandidateBackward(float* dxz, float* dhRZ, float* dhN, float* dhPrev, const float* dh, const float* gates,
                                 const float* hN, const float* hPrev, int B, int H, int resetAfter, int ga, int ca) {
  if (ga == SIGMOID && ca == TANH) {
    if (resetAfter) gruCandidateBackwardT<SIGMOID, TANH, true>(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, ga, ca);
    else gruCandidateBackwardT<SIGMOID, TANH, false>(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, ga, ca);
  } else {
    if (resetAfter) gruCandidateBackwardT<-1, -1, true>(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, ga, ca);
    else gruCandidateBackwardT<-1, -1, false>(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, ga, ca);
  }
}

static void gruResetBackward(float* dxz, float* dhRZ, float* dhPrev, const float* dRh, const float* gates,
                             const float* hPrev, int B, int H, int ga) {
  for (int b = 0; b < B; b++) {
    const float* g = gates + (size_t)b * 3 * H; float* dx = dxz + (size_t)b * 3 * H; float* drz = dhRZ + (size_t)b * 2 * H;
    const size_t s = (size_t)b * H;
    #pragma GCC ivdep
    for (int j = 0; j < H; j++) {
      const float r = g[j], d = dRh[s + j];
      const float dr = d * hPrev[s + j] * actGrad1(r, ga);
      dx[j] += dr; drz[j] += dr;
      dhPrev[s + j] += d * r;
    }
  }
}
