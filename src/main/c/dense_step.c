/*
 * Forward and backward passes of K stacked ReLU MLPs with a softmax cross-entropy loss, in one
 * native call (dev.optbench.train.NativeDense). The matrix products go to the sgemm_ that the
 * loaded libtorch_cpu.so exports (its oneMKL, the one PyTorch's own mm calls); everything else
 * is a loop over activations that stay in cache. What it replaces is ~60 tensor ops per step,
 * each a JNI call plus a PyTorch dispatch, which on fmnist_mlp cost as much as the products.
 *
 * Layout, row-major float32: trial t's weight l is [in_l, out_l] at w[l] + t*in_l*out_l (the
 * stacked layout of StackedModels), its bias [out_l] at b[l] + t*out_l; the gradients have the
 * same layout. Inputs are [rows, in_0] per trial, or one block shared by all trials (eval).
 *
 * The arithmetic follows the NDArray form of BatchedTrainer op for op: a = h W, then a + bias,
 * ReLU between layers, log-softmax as z - (max + log sum exp(z - max)), and PyTorch's backward
 * formulas (log_softmax_backward: dz = dlogp - exp(logp) sum(dlogp); threshold_backward).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <math.h>
#include <string.h>

typedef void (*sgemm_fn)(const char *ta, const char *tb, const int *m, const int *n, const int *k,
                         const float *alpha, const float *a, const int *lda, const float *b,
                         const int *ldb, const float *beta, float *c, const int *ldc);

static sgemm_fn sgemm;

static int find_torch(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  const char *name = info->dlpi_name;
  if (name && strstr(name, "libtorch_cpu.so")) {
    void *h = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
    if (h) {
      *(sgemm_fn *)data = (sgemm_fn)dlsym(h, "sgemm_");
      dlclose(h); /* NOLOAD took a reference; the library stays loaded by its owner */
    }
    return 1;
  }
  return 0;
}

/* 1 when libtorch_cpu.so is loaded and exports sgemm_; call after the engine has started. */
int optbench_dense_init(void) {
  if (!sgemm) {
    sgemm_fn found = 0;
    dl_iterate_phdr(find_torch, &found);
    sgemm = found;
  }
  return sgemm != 0;
}

/* Row-major C[m x n] = op(A) op(B), op(A) m x k, through column-major sgemm on the transposes. */
static void gemm(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                 float *c, int ldc) {
  const float one = 1, zero = 0;
  sgemm(tb ? "T" : "N", ta ? "T" : "N", &n, &m, &k, &one, b, &ldb, a, &lda, &zero, c, &ldc);
}

/* a <- a + bias (each row), then ReLU when `relu`: NaN passes through, as in PyTorch. */
static void add_bias(float *restrict a, const float *restrict bias, long rows, long out, int relu) {
  for (long r = 0; r < rows; r++) {
    float *ar = a + r * out;
    for (long j = 0; j < out; j++) {
      float v = ar[j] + bias[j];
      ar[j] = relu && v <= 0 ? 0 : v;
    }
  }
}

/* Forward of one trial over `rows` inputs; acts[l] gets layer l's output (ReLU'd but the last). */
static void forward(long layers, const long *widths, const float *const *w, const float *const *b, long t,
                    const float *x, long rows, float **acts) {
  const float *h = x;
  for (long l = 0; l < layers; l++) {
    long in = widths[l], out = widths[l + 1];
    gemm(0, 0, (int)rows, (int)out, (int)in, h, (int)in, w[l] + t * in * out, (int)out, acts[l], (int)out);
    add_bias(acts[l], b[l] + t * out, rows, out, l < layers - 1);
    h = acts[l];
  }
}

/* z <- log_softmax(z) per row of `classes`. */
static void log_softmax(float *z, long rows, long classes) {
  for (long r = 0; r < rows; r++) {
    float *zr = z + r * classes;
    float max = zr[0];
    for (long c = 1; c < classes; c++) {
      max = zr[c] > max || zr[c] != zr[c] ? zr[c] : max;
    }
    float sum = 0;
    for (long c = 0; c < classes; c++) {
      sum += expf(zr[c] - max);
    }
    float lse = max + logf(sum);
    for (long c = 0; c < classes; c++) {
      zr[c] = zr[c] - lse;
    }
  }
}

/* Floats of scratch that optbench_dense_step and optbench_dense_eval need for `rows` rows. */
long optbench_dense_scratch(long layers, const long *widths, long rows) {
  long total = 0, widest = 0;
  for (long l = 1; l <= layers; l++) {
    total += rows * widths[l];
    widest = widths[l] > widest ? widths[l] : widest;
  }
  return total + 2 * rows * widest;
}

/*
 * Losses and gradients of k trials, `rows` examples each: x [k, rows, in_0], y [k, rows];
 * trial t's loss is -[(1 - s_t) mean_r logp[r, y_r] + s_t mean_{r,c} logp[r, c]] and its
 * objective adds l2half_t |theta_t|^2. w, b, gw, gb hold one address per layer.
 */
void optbench_dense_step(long layers, const long *widths, long k, long rows, const long *w, const long *b,
                         const long *gw, const long *gb, const float *x, const int *y, const float *smoothing,
                         const float *l2half, float *losses, float *scratch) {
  float *acts[64];
  float *p = scratch;
  long widest = 0;
  for (long l = 0; l < layers; l++) {
    acts[l] = p;
    p += rows * widths[l + 1];
    widest = widths[l + 1] > widest ? widths[l + 1] : widest;
  }
  float *da = p, *dh = p + rows * widest;
  const float *const *wp = (const float *const *)w;
  const float *const *bp = (const float *const *)b;
  long in0 = widths[0], classes = widths[layers];
  for (long t = 0; t < k; t++) {
    const float *xt = x + t * rows * in0;
    const int *yt = y + t * rows;
    forward(layers, widths, wp, bp, t, xt, rows, acts);
    float *logp = acts[layers - 1];
    log_softmax(logp, rows, classes);
    /* loss as the NDArray form: means of float32 sums */
    float s = smoothing[t];
    float picked = 0, all = 0;
    for (long r = 0; r < rows; r++) {
      picked += logp[r * classes + yt[r]];
      for (long c = 0; c < classes; c++) {
        all += logp[r * classes + c];
      }
    }
    float pickedMean = picked / (float)rows;
    losses[t] = s == 0 ? -pickedMean : -(pickedMean * (1 - s) + (all / (float)(rows * classes)) * s);
    /* dlogp = -(1 - s)/rows at the label - s/(rows classes) everywhere; dz = dlogp - p sum(dlogp) */
    float onLabel = -(s == 0 ? 1 : 1 - s) / (float)rows;
    float spread = -s / (float)(rows * classes);
    for (long r = 0; r < rows; r++) {
      const float *lr = logp + r * classes;
      float *dr = da + r * classes;
      float sum = 0;
      for (long c = 0; c < classes; c++) {
        dr[c] = spread + (c == yt[r] ? onLabel : 0);
        sum += dr[c];
      }
      for (long c = 0; c < classes; c++) {
        dr[c] = dr[c] - expf(lr[c]) * sum;
      }
    }
    for (long l = layers - 1; l >= 0; l--) {
      long in = widths[l], out = widths[l + 1];
      const float *h = l == 0 ? xt : acts[l - 1];
      float *gwl = (float *)gw[l] + t * in * out;
      float *gbl = (float *)gb[l] + t * out;
      gemm(1, 0, (int)in, (int)out, (int)rows, h, (int)in, da, (int)out, gwl, (int)out);
      for (long j = 0; j < out; j++) {
        gbl[j] = 0;
      }
      for (long r = 0; r < rows; r++) {
        for (long j = 0; j < out; j++) {
          gbl[j] += da[r * out + j];
        }
      }
      if (l > 0) {
        gemm(0, 1, (int)rows, (int)in, (int)out, da, (int)out, wp[l] + t * in * out, (int)out, dh, (int)in);
        const float *hin = acts[l - 1];
        for (long i = 0; i < rows * in; i++) {
          dh[i] = hin[i] <= 0 ? 0 : dh[i];
        }
        float *swap = da;
        da = dh;
        dh = swap;
      }
    }
    float l2 = l2half[t];
    if (l2 != 0) {
      float twice = 2 * l2;
      for (long l = 0; l < layers; l++) {
        long in = widths[l], out = widths[l + 1];
        float *gwl = (float *)gw[l] + t * in * out;
        const float *wl = wp[l] + t * in * out;
        for (long i = 0; i < in * out; i++) {
          gwl[i] += wl[i] * twice;
        }
        float *gbl = (float *)gb[l] + t * out;
        const float *bl = bp[l] + t * out;
        for (long j = 0; j < out; j++) {
          gbl[j] += bl[j] * twice;
        }
      }
    }
    if (da != p) { /* keep the two buffers where the next trial expects them */
      dh = da;
      da = p;
    }
  }
}

/*
 * Summed cross-entropy and errors of k trials over `rows` shared inputs x [rows, in_0] with
 * labels y [rows]: loss_sum[t] = -sum_r logp[r, y_r], wrong[t] = #{r : argmax_c z[r, c] != y_r}
 * (the first maximum, as PyTorch's argmax).
 */
void optbench_dense_eval(long layers, const long *widths, long k, long rows, const long *w, const long *b,
                         const float *x, const int *y, float *loss_sum, float *wrong, float *scratch) {
  float *acts[64];
  float *p = scratch;
  for (long l = 0; l < layers; l++) {
    acts[l] = p;
    p += rows * widths[l + 1];
  }
  long classes = widths[layers];
  for (long t = 0; t < k; t++) {
    forward(layers, widths, (const float *const *)w, (const float *const *)b, t, x, rows, acts);
    float *z = acts[layers - 1];
    float errors = 0;
    for (long r = 0; r < rows; r++) {
      const float *zr = z + r * classes;
      long best = 0;
      for (long c = 1; c < classes; c++) {
        if (zr[c] > zr[best] || (zr[c] != zr[c] && zr[best] == zr[best])) {
          best = c;
        }
      }
      errors += best != y[r];
    }
    log_softmax(z, rows, classes);
    float sum = 0;
    for (long r = 0; r < rows; r++) {
      sum += z[r * classes + y[r]];
    }
    loss_sum[t] = -sum;
    wrong[t] = errors;
  }
}
