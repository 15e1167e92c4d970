// native/train.h — loss and optimizer kernels.
// Included by impl.h inside its namespace, once per instruction set (see impl.h); not on its own.

// ================================ loss and optimizers (assembly/train.ts) ================================

/** One row of softmax cross-entropy: returns logsumexp(z) − z[label]; dRow (if given) OVERWRITTEN
 *  with scale·(softmax − onehot). The caller handles label −1 rows. */
static double softmaxXentRow(float* d, const float* row, int y, int C, float scale) {
  float mx = -INFINITY;
  for (int j = 0; j < C; j++) mx = (row[j] > mx || row[j] != row[j]) ? row[j] : mx;   // a NaN logit makes the loss NaN
  double s = 0;
  for (int j = 0; j < C; j++) s += (double)exp1(row[j] - mx);
  const double logSum = (double)mx + std::log(s);
  const double loss = logSum - (double)row[y];
  if (d) {
    // softmax = exp(z − max)/Σ: z − max is exact near the top (see assembly/train.ts)
    const float f = (float)((double)scale / std::exp(logSum - (double)mx));
    for (int j = 0; j < C; j++) d[j] = exp1(row[j] - mx) * f;
    d[y] -= scale;
  }
  return loss;
}

static double sumSquares(const float* x, long n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;              // four running sums, combined at the end: a fixed order
  long i = 0;
  for (; i + 4 <= n; i += 4) {
    const double a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
    s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d;
  }
  double s = (s0 + s1) + (s2 + s3);
  for (; i < n; i++) s += (double)x[i] * x[i];
  return s;
}

static void scale(float* x, float a, long n) { for (long i = 0; i < n; i++) x[i] *= a; }

static void sgdStep(float* __restrict p, const float* __restrict g, float* __restrict buf, long n, float lr, float mu,
                    int nesterov, float wd, int first) {
  if (!buf) { for (long i = 0; i < n; i++) { const float gi = g[i] + wd * p[i]; p[i] = p[i] - lr * gi; } return; }
  for (long i = 0; i < n; i++) {
    float gi = g[i] + wd * p[i];
    const float b = first ? gi : mu * buf[i] + gi;
    buf[i] = b;
    gi = nesterov ? gi + mu * b : b;
    p[i] = p[i] - lr * gi;
  }
}

static void adamStep(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, long n,
                     float b1, float b1c, float b2, float b2c, float eps, float wd, int decoupled, float decay,
                     float stepSize, float bc2Sqrt) {
  for (long i = 0; i < n; i++) {
    float gi = g[i], pi = p[i];
    if (decoupled) pi *= decay; else gi += wd * pi;
    const float mi = m[i] * b1 + gi * b1c, vi = v[i] * b2 + gi * gi * b2c;
    m[i] = mi; v[i] = vi;
    p[i] = pi - stepSize * mi / (std::sqrt(vi) / bc2Sqrt + eps);
  }
}

static void rmspropStep(float* __restrict p, const float* __restrict g, float* __restrict v, long n, float lr, float alpha,
                        float ac, float eps, float wd) {
  for (long i = 0; i < n; i++) {
    const float gi = g[i] + wd * p[i];
    const float vi = v[i] * alpha + gi * gi * ac;
    v[i] = vi;
    p[i] = p[i] - lr * gi / (std::sqrt(vi) + eps);
  }
}

static void adagradStep(float* __restrict p, const float* __restrict g, float* __restrict s, long n, float clr, float eps, float wd) {
  for (long i = 0; i < n; i++) {
    const float gi = g[i] + wd * p[i];
    const float si = s[i] + gi * gi;
    s[i] = si;
    p[i] = p[i] - clr * gi / (std::sqrt(si) + eps);
  }
}
