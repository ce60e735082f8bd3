/*
 * Forward and backward passes of K stacked feed-forward image networks (convolution blocks, then
 * ReLU dense layers) with a softmax cross-entropy loss, in one native call per step
 * (dev.optbench.train.NativeNet). The matrix products go to the sgemm_ that the loaded
 * libtorch_cpu.so exports (its oneMKL, the one PyTorch's own mm calls); convolutions are im2col
 * products over a few samples at a time, so their columns stay in cache; everything else is a
 * loop over activations. What it replaces is ~60 tensor ops per step (more for the CNNs), each a
 * JNI call plus a PyTorch dispatch, and PyTorch's CPU convolutions.
 *
 * Network: nconv convolution blocks, each conv (stride 1, zero padding `pad` on both axes) + bias,
 * ReLU, max-pooling (size, stride, padding; floor mode), then `layers` dense layers with ReLU
 * between them. conv[0..2] = C, H, W of the input; then 7 longs per block: out channels, kh, kw,
 * pad, pool, pool stride, pool pad. widths[0] = the flattened (C, H, W order) last pooled output,
 * or the input features when nconv = 0.
 *
 * Layout, row-major float32 (the stacked layout of StackedModels): w[i] and b[i] hold one address
 * per parameterized layer, convolutions first. Trial t's conv weight [out, C, kh, kw] is at
 * w[i] + t*out*C*kh*kw, its dense weight [in, out] at w[nconv+l] + t*in*out, biases [out] at
 * b[i] + t*out; the gradients have the same layout. Inputs are [rows, C, H, W] (or [rows, in_0])
 * per trial, or one block shared by all trials (eval).
 *
 * The arithmetic follows the NDArray form op for op: products then bias add, ReLU with NaN
 * passing through, max-pooling that keeps the first maximum (or a NaN) of each window as
 * PyTorch's CPU kernel does, log-softmax as z - (max + log sum exp(z - max)), and PyTorch's
 * backward formulas (log_softmax_backward: dz = dlogp - exp(logp) sum(dlogp); threshold_backward;
 * max_pool2d_backward adding into the argmax). Only the order of float32 sums can differ.
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
int optbench_net_init(void) {
  if (!sgemm) {
    sgemm_fn found = 0;
    dl_iterate_phdr(find_torch, &found);
    sgemm = found;
  }
  return sgemm != 0;
}

/* Row-major C[m x n] = op(A) op(B) + beta C, op(A) m x k, through column-major sgemm on the transposes. */
static void gemm(int ta, int tb, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                 float beta, float *c, long ldc) {
  const float one = 1;
  int im = (int)m, in = (int)n, ik = (int)k, ia = (int)lda, ib = (int)ldb, ic = (int)ldc;
  sgemm(tb ? "T" : "N", ta ? "T" : "N", &in, &im, &ik, &one, b, &ib, a, &ia, &beta, c, &ic);
}

/* Column matrices of at most this many floats (1 MiB): a few samples' columns stay in L2. */
#define COLUMN_FLOATS (256L * 1024)

/* One convolution block's shape, derived from its 7 spec longs and the input it sees. */
typedef struct {
  long c, h, w;        /* input */
  long out, kh, kw, pad;
  long oh, ow;         /* conv output */
  long pool, ps, pp;
  long ph, pw;         /* pooled output */
  long ckk, ohw, phw;  /* column rows, output and pooled plane sizes */
  long in_size, pooled_size; /* floats per sample */
  long chunk;          /* samples per column matrix */
} block;

static void blocks_of(long nconv, const long *conv, block *bl) {
  long c = conv[0], h = conv[1], w = conv[2];
  for (long i = 0; i < nconv; i++) {
    const long *s = conv + 3 + 7 * i;
    block *b = bl + i;
    b->c = c, b->h = h, b->w = w;
    b->out = s[0], b->kh = s[1], b->kw = s[2], b->pad = s[3], b->pool = s[4], b->ps = s[5], b->pp = s[6];
    b->oh = h + 2 * b->pad - b->kh + 1;
    b->ow = w + 2 * b->pad - b->kw + 1;
    b->ph = (b->oh + 2 * b->pp - b->pool) / b->ps + 1;
    b->pw = (b->ow + 2 * b->pp - b->pool) / b->ps + 1;
    b->ckk = c * b->kh * b->kw;
    b->ohw = b->oh * b->ow;
    b->phw = b->ph * b->pw;
    b->in_size = c * h * w;
    b->pooled_size = b->out * b->phw;
    long per = b->ckk * b->ohw;
    b->chunk = per >= COLUMN_FLOATS ? 1 : COLUMN_FLOATS / per;
    c = b->out, h = b->ph, w = b->pw;
  }
}

/*
 * Columns of samples x[0..n) ([C, H, W] each) for a stride-1 convolution: col [ckk, n * ohw].
 * Rows are short (14 floats for 2c2d's second convolution), so they are copied inline: GCC would
 * turn the copy loop into a memcpy call per row, millions a step.
 */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
static void im2col(const block *b, const float *x, long n, float *col) {
  long ld = n * b->ohw;
  for (long s = 0; s < n; s++) {
    const float *xs = x + s * b->in_size;
    for (long c = 0; c < b->c; c++) {
      for (long ky = 0; ky < b->kh; ky++) {
        for (long kx = 0; kx < b->kw; kx++) {
          float *row = col + ((c * b->kh + ky) * b->kw + kx) * ld + s * b->ohw;
          long lo = b->pad - kx, hi = b->w + b->pad - kx; /* ox with 0 <= ox + kx - pad < w */
          lo = lo < 0 ? 0 : lo;
          hi = hi > b->ow ? b->ow : hi;
          for (long oy = 0; oy < b->oh; oy++) {
            long iy = oy + ky - b->pad;
            float *r = row + oy * b->ow;
            if (iy < 0 || iy >= b->h || lo >= hi) {
              for (long ox = 0; ox < b->ow; ox++) r[ox] = 0;
              continue;
            }
            const float *src = xs + (c * b->h + iy) * b->w + kx - b->pad;
            for (long ox = 0; ox < lo; ox++) r[ox] = 0;
            for (long ox = lo; ox < hi; ox++) r[ox] = src[ox];
            for (long ox = hi; ox < b->ow; ox++) r[ox] = 0;
          }
        }
      }
    }
  }
}

/* The adjoint of im2col: dx[0..n) = 0, then each column entry added into its input pixel. */
static void col2im(const block *b, const float *col, long n, float *dx) {
  long ld = n * b->ohw;
  memset(dx, 0, sizeof(float) * n * b->in_size);
  for (long s = 0; s < n; s++) {
    float *ds = dx + s * b->in_size;
    for (long c = 0; c < b->c; c++) {
      for (long ky = 0; ky < b->kh; ky++) {
        for (long kx = 0; kx < b->kw; kx++) {
          const float *row = col + ((c * b->kh + ky) * b->kw + kx) * ld + s * b->ohw;
          long lo = b->pad - kx, hi = b->w + b->pad - kx;
          lo = lo < 0 ? 0 : lo;
          hi = hi > b->ow ? b->ow : hi;
          for (long oy = 0; oy < b->oh; oy++) {
            long iy = oy + ky - b->pad;
            if (iy < 0 || iy >= b->h) continue;
            const float *r = row + oy * b->ow;
            float *dst = ds + (c * b->h + iy) * b->w + kx - b->pad;
            for (long ox = lo; ox < hi; ox++) dst[ox] += r[ox];
          }
        }
      }
    }
  }
}

/* One window offset (row `yy`, column offset dx) over windows px in [lo, hi) of one output row. */
static inline void pool_offset(const float *restrict row, long ps, long base, long lo, long hi, int index0,
                               float *restrict best, int *restrict at) {
  for (long px = lo; px < hi; px++) {
    float v = row[px * ps + base];
    int take = (v > best[px]) | (v != v);
    best[px] = take ? v : best[px];
    at[px] = take ? index0 + (int)(px * ps) : at[px];
  }
}

/*
 * Max-pooling of one conv output plane: each window's first maximum in row-major order, or a NaN
 * it holds (PyTorch's CPU kernel: take v when v > max or v is NaN), and where it is. Branch-free
 * and one window offset at a time across a row of windows, so the compiler vectorizes it.
 */
static void max_pool(const block *b, const float *plane, float *restrict pooled, int *restrict argmax) {
  for (long py = 0; py < b->ph; py++) {
    float *best = pooled + py * b->pw;
    int *at = argmax + py * b->pw;
    for (long px = 0; px < b->pw; px++) {
      best[px] = -INFINITY;
      at[px] = 0;
    }
    for (long dy = 0; dy < b->pool; dy++) {
      long yy = py * b->ps - b->pp + dy;
      if (yy < 0 || yy >= b->oh) continue;
      const float *row = plane + yy * b->ow;
      for (long dx = 0; dx < b->pool; dx++) {
        long base = dx - b->pp; /* xx = px ps + base must lie in [0, ow) */
        long lo = base >= 0 ? 0 : (-base + b->ps - 1) / b->ps;
        long hi = b->ow - 1 - base < 0 ? 0 : (b->ow - 1 - base) / b->ps + 1; /* a plane narrower than the window */
        hi = hi > b->pw ? b->pw : hi;
        int index0 = (int)(yy * b->ow + base);
        if (b->ps == 2) { /* the common stride, as a constant, so the loads vectorize */
          pool_offset(row, 2, base, lo, hi, index0, best, at);
        } else {
          pool_offset(row, b->ps, base, lo, hi, index0, best, at);
        }
      }
    }
  }
}

/*
 * Forward of one block over samples x[0..rows): pooled [rows, out, ph, pw] and the argmax of each
 * window within its conv output plane. col and act are scratch for one chunk of samples.
 */
static void conv_forward(const block *b, const float *weight, const float *bias, const float *x, long rows,
                         float *pooled, int *argmax, float *col, float *act) {
  for (long s0 = 0; s0 < rows; s0 += b->chunk) {
    long n = rows - s0 < b->chunk ? rows - s0 : b->chunk;
    long ld = n * b->ohw;
    im2col(b, x + s0 * b->in_size, n, col);
    gemm(0, 0, b->out, ld, b->ckk, weight, b->ckk, col, ld, 0, act, ld);
    for (long o = 0; o < b->out; o++) {
      float *ao = act + o * ld;
      float bo = bias[o];
      for (long i = 0; i < ld; i++) {
        float v = ao[i] + bo;
        ao[i] = v <= 0 ? 0 : v;
      }
    }
    for (long s = 0; s < n; s++) {
      for (long o = 0; o < b->out; o++) {
        long at = (s0 + s) * b->pooled_size + o * b->phw;
        max_pool(b, act + o * ld + s * b->ohw, pooled + at, argmax + at);
      }
    }
  }
}

/*
 * Backward of one block: from dpooled [rows, out, ph, pw], the weight and bias gradients and, when
 * dx is not null, the input's gradient dx [rows, C, H, W]. The ReLU before the pool passes a
 * window's gradient where its maximum (the ReLU's output there) is > 0.
 */
static void conv_backward(const block *b, const float *weight, const float *x, long rows, const float *pooled,
                          const int *argmax, const float *dpooled, float *gw, float *gb, float *dx, float *col,
                          float *act) {
  for (long o = 0; o < b->out; o++) gb[o] = 0;
  for (long s0 = 0; s0 < rows; s0 += b->chunk) {
    long n = rows - s0 < b->chunk ? rows - s0 : b->chunk;
    long ld = n * b->ohw;
    memset(act, 0, sizeof(float) * b->out * ld);
    for (long s = 0; s < n; s++) {
      for (long o = 0; o < b->out; o++) {
        float *plane = act + o * ld + s * b->ohw;
        long at = (s0 + s) * b->pooled_size + o * b->phw;
        const float *po = pooled + at, *dp = dpooled + at;
        const int *io = argmax + at;
        for (long j = 0; j < b->phw; j++) {
          plane[io[j]] += po[j] > 0 ? dp[j] : 0; /* branch-free: po > 0 is a coin toss */
        }
      }
    }
    for (long o = 0; o < b->out; o++) {
      const float *ao = act + o * ld;
      float sum = 0;
      for (long i = 0; i < ld; i++) sum += ao[i];
      gb[o] += sum;
    }
    im2col(b, x + s0 * b->in_size, n, col);
    gemm(0, 1, b->out, b->ckk, ld, act, ld, col, ld, s0 == 0 ? 0 : 1, gw, b->ckk);
    if (dx) {
      gemm(1, 0, b->ckk, ld, b->out, weight, b->ckk, act, ld, 0, col, ld);
      col2im(b, col, n, dx + s0 * b->in_size);
    }
  }
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

/* Where each buffer of a pass over `rows` samples lives in the scratch. */
typedef struct {
  block bl[16];
  float *pooled[16];
  int *argmax[16];
  float *col, *act, *dconv0, *dconv1; /* im2col columns, a chunk's conv output, pooled gradients */
  float *acts[64];                    /* dense outputs */
  float *da, *dh;                     /* dense gradients */
  long total;                         /* floats in all */
} plan;

static void plan_of(long nconv, const long *conv, long layers, const long *widths, long rows, float *base,
                    plan *p) {
  blocks_of(nconv, conv, p->bl);
  long at = 0, col = 0, act = 0, dconv = 0;
  /* each buffer starts on 64 bytes (the scratch does too): oneMKL's path, so its rounding, follows alignment */
#define TAKE(n) (at = (at + 15) & ~15L, at += (n), base ? base + at - (n) : 0)
  for (long i = 0; i < nconv; i++) {
    block *b = p->bl + i;
    p->pooled[i] = TAKE(rows * b->pooled_size);
    p->argmax[i] = (int *)TAKE(rows * b->pooled_size);
    long n = b->chunk < rows ? b->chunk : rows;
    col = b->ckk * n * b->ohw > col ? b->ckk * n * b->ohw : col;
    act = b->out * n * b->ohw > act ? b->out * n * b->ohw : act;
    dconv = rows * b->pooled_size > dconv ? rows * b->pooled_size : dconv;
  }
  p->col = TAKE(col);
  p->act = TAKE(act);
  p->dconv0 = TAKE(dconv);
  p->dconv1 = TAKE(dconv);
  long widest = nconv > 0 ? widths[0] : 0;
  for (long l = 0; l < layers; l++) {
    p->acts[l] = TAKE(rows * widths[l + 1]);
    widest = widths[l + 1] > widest ? widths[l + 1] : widest;
  }
  p->da = TAKE(rows * widest);
  p->dh = TAKE(rows * widest);
#undef TAKE
  p->total = at;
}

/* Floats of scratch that optbench_net_step and optbench_net_eval need for `rows` rows at a time. */
long optbench_net_scratch(long nconv, const long *conv, long layers, const long *widths, long rows) {
  plan p;
  plan_of(nconv, conv, layers, widths, rows, 0, &p);
  return p.total;
}

/* Forward of trial t over `rows` inputs x; the logits end in p->acts[layers - 1]. */
static void forward(long nconv, long layers, const long *widths, const float *const *w, const float *const *b,
                    long t, const float *x, long rows, plan *p) {
  const float *h = x;
  for (long i = 0; i < nconv; i++) {
    const block *bl = p->bl + i;
    conv_forward(bl, w[i] + t * bl->out * bl->ckk, b[i] + t * bl->out, h, rows, p->pooled[i], p->argmax[i],
                 p->col, p->act);
    h = p->pooled[i];
  }
  for (long l = 0; l < layers; l++) {
    long in = widths[l], out = widths[l + 1];
    gemm(0, 0, rows, out, in, h, in, w[nconv + l] + t * in * out, out, 0, p->acts[l], out);
    add_bias(p->acts[l], b[nconv + l] + t * out, rows, out, l < layers - 1);
    h = p->acts[l];
  }
}

/* Floats of one trial's parameter i (weight) and its bias. */
static long weight_size(long nconv, const plan *p, const long *widths, long i) {
  return i < nconv ? p->bl[i].out * p->bl[i].ckk : widths[i - nconv] * widths[i - nconv + 1];
}

static long bias_size(long nconv, const plan *p, const long *widths, long i) {
  return i < nconv ? p->bl[i].out : widths[i - nconv + 1];
}

/*
 * Losses and gradients of k trials, `rows` examples each: x [k, rows, features], y [k, rows];
 * trial t's loss is -[(1 - s_t) mean_r logp[r, y_r] + s_t mean_{r,c} logp[r, c]] and its
 * objective adds l2half_t |theta_t|^2.
 */
void optbench_net_step(long nconv, const long *conv, long layers, const long *widths, long k, long rows,
                       const long *w, const long *b, const long *gw, const long *gb, const float *x, const int *y,
                       const float *smoothing, const float *l2half, float *losses, float *scratch) {
  plan p;
  plan_of(nconv, conv, layers, widths, rows, scratch, &p);
  const float *const *wp = (const float *const *)w;
  const float *const *bp = (const float *const *)b;
  long features = nconv > 0 ? p.bl[0].in_size : widths[0], classes = widths[layers];
  for (long t = 0; t < k; t++) {
    const float *xt = x + t * rows * features;
    const int *yt = y + t * rows;
    forward(nconv, layers, widths, wp, bp, t, xt, rows, &p);
    float *logp = p.acts[layers - 1];
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
    float *da = p.da, *dh = p.dh;
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
      const float *h = l > 0 ? p.acts[l - 1] : nconv > 0 ? p.pooled[nconv - 1] : xt;
      float *gwl = (float *)gw[nconv + l] + t * in * out;
      float *gbl = (float *)gb[nconv + l] + t * out;
      gemm(1, 0, in, out, rows, h, in, da, out, 0, gwl, out);
      for (long j = 0; j < out; j++) {
        gbl[j] = 0;
      }
      for (long r = 0; r < rows; r++) {
        for (long j = 0; j < out; j++) {
          gbl[j] += da[r * out + j];
        }
      }
      if (l > 0 || nconv > 0) {
        gemm(0, 1, rows, in, out, da, out, wp[nconv + l] + t * in * out, out, 0, dh, in);
        if (l > 0) { /* the ReLU after dense layer l - 1; a conv block's is in its backward */
          const float *hin = p.acts[l - 1];
          for (long i = 0; i < rows * in; i++) {
            dh[i] = hin[i] <= 0 ? 0 : dh[i];
          }
        }
        float *swap = da;
        da = dh;
        dh = swap;
      }
    }
    /* da now holds the gradient of the last pooled output [rows, widths[0]] when nconv > 0 */
    const float *dpooled = da;
    for (long i = nconv - 1; i >= 0; i--) {
      const block *bl = p.bl + i;
      float *dx = i > 0 ? (dpooled == p.dconv0 ? p.dconv1 : p.dconv0) : 0;
      conv_backward(bl, wp[i] + t * bl->out * bl->ckk, i > 0 ? p.pooled[i - 1] : xt, rows, p.pooled[i],
                    p.argmax[i], dpooled, (float *)gw[i] + t * bl->out * bl->ckk, (float *)gb[i] + t * bl->out, dx,
                    p.col, p.act);
      dpooled = dx;
    }
    float l2 = l2half[t];
    if (l2 != 0) {
      float twice = 2 * l2;
      for (long i = 0; i < nconv + layers; i++) {
        long ws = weight_size(nconv, &p, widths, i), bs = bias_size(nconv, &p, widths, i);
        float *gwl = (float *)gw[i] + t * ws;
        const float *wl = wp[i] + t * ws;
        for (long j = 0; j < ws; j++) {
          gwl[j] += wl[j] * twice;
        }
        float *gbl = (float *)gb[i] + t * bs;
        const float *bl = bp[i] + t * bs;
        for (long j = 0; j < bs; j++) {
          gbl[j] += bl[j] * twice;
        }
      }
    }
  }
}

/*
 * Summed cross-entropy and errors of k trials over `rows` shared inputs x [rows, features] with
 * labels y [rows], `chunk` rows at a time (what the scratch was sized for):
 * loss_sum[t] = -sum_r logp[r, y_r], wrong[t] = #{r : argmax_c z[r, c] != y_r} (the first
 * maximum, as PyTorch's argmax).
 */
void optbench_net_eval(long nconv, const long *conv, long layers, const long *widths, long k, long rows,
                       long chunk, const long *w, const long *b, const float *x, const int *y, float *loss_sum,
                       float *wrong, float *scratch) {
  plan p;
  plan_of(nconv, conv, layers, widths, chunk, scratch, &p);
  long features = nconv > 0 ? p.bl[0].in_size : widths[0], classes = widths[layers];
  for (long t = 0; t < k; t++) {
    loss_sum[t] = 0;
    wrong[t] = 0;
  }
  for (long r0 = 0; r0 < rows; r0 += chunk) {
    long n = rows - r0 < chunk ? rows - r0 : chunk;
    const float *xc = x + r0 * features;
    const int *yc = y + r0;
    for (long t = 0; t < k; t++) {
      forward(nconv, layers, widths, (const float *const *)w, (const float *const *)b, t, xc, n, &p);
      float *z = p.acts[layers - 1];
      float errors = 0;
      for (long r = 0; r < n; r++) {
        const float *zr = z + r * classes;
        long best = 0;
        for (long c = 1; c < classes; c++) {
          if (zr[c] > zr[best] || (zr[c] != zr[c] && zr[best] == zr[best])) {
            best = c;
          }
        }
        errors += best != yc[r];
      }
      log_softmax(z, n, classes);
      float sum = 0;
      for (long r = 0; r < n; r++) {
        sum += z[r * classes + yc[r]];
      }
      loss_sum[t] += -sum;
      wrong[t] += errors;
    }
  }
}
