/*
 * One-pass forms of optbench's built-in update rules (dev.optbench.optim.FusedUpdates).
 *
 * Each function updates K trials' slices of one parameter in place: p, g and the state arrays
 * are [K, n] contiguous float32; c holds each trial's coefficients, `width` per trial, in the
 * order the rule's Java class lists them (FusedRule#coefficients), followed by its decoupled
 * weight-decay rate d = alpha_t * lambda. With `decay` set, p <- (p - step) - p_old * d, as
 * StackedOptimizer does on the NDArray path.
 *
 * The arithmetic is the NDArray form's, op for op and in the same order, in float32 with no
 * contraction into FMAs (build.sh passes -ffp-contract=off), so both paths agree to the last
 * bit except sqrt, which libtorch may take from oneMKL's VML (within 1 ulp).
 */
#include <math.h>

#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#define TRIAL_LOOP(width)                                                                       \
  for (long t = 0; t < k; t++) {                                                                \
    const float *ct = c + t * (width);                                                         \
    float *pt = p + t * n;                                                                      \
    const float *gt = g + t * n;                                                                \
    float *s0t = s0 ? s0 + t * n : 0;                                                           \
    float *s1t = s1 ? s1 + t * n : 0;                                                           \
    (void)s0t; (void)s1t;                                                                       \
    const float d = ct[(width) - 1];

#define PARAMS float *restrict p, const float *restrict g, float *restrict s0, float *restrict s1, \
    long k, long n, const float *restrict c, long decay

/* theta <- theta - eta g;  c = [eta, d] */
CLONES void optbench_sgd(PARAMS) {
  TRIAL_LOOP(2)
    const float lr = ct[0];
    for (long i = 0; i < n; i++) {
      float old = pt[i];
      float next = old - gt[i] * lr;
      pt[i] = decay ? next - old * d : next;
    }
  }
}

/* v <- gamma v + g;  theta <- theta - eta v;  c = [gamma, eta, d] */
CLONES void optbench_momentum(PARAMS) {
  TRIAL_LOOP(3)
    const float gamma = ct[0], lr = ct[1];
    for (long i = 0; i < n; i++) {
      float v = s0t[i] * gamma + gt[i];
      s0t[i] = v;
      float old = pt[i];
      float next = old - v * lr;
      pt[i] = decay ? next - old * d : next;
    }
  }
}

/* v <- gamma v + g;  theta <- theta - eta (gamma v + g);  c = [gamma, eta, d] */
CLONES void optbench_nesterov(PARAMS) {
  TRIAL_LOOP(3)
    const float gamma = ct[0], lr = ct[1];
    for (long i = 0; i < n; i++) {
      float gi = gt[i];
      float v = s0t[i] * gamma + gi;
      s0t[i] = v;
      float old = pt[i];
      float next = old - (v * gamma + gi) * lr;
      pt[i] = decay ? next - old * d : next;
    }
  }
}

/* v <- rho v + (1 - rho) g^2;  m <- gamma m + eta g / sqrt(v + eps);  theta <- theta - m;
   s0 = v, s1 = m;  c = [rho, 1 - rho, gamma, eta, eps, d] */
CLONES void optbench_rmsprop(PARAMS) {
  TRIAL_LOOP(6)
    const float rho = ct[0], rest = ct[1], gamma = ct[2], lr = ct[3], eps = ct[4];
    for (long i = 0; i < n; i++) {
      float gi = gt[i];
      float v = s0t[i] * rho + (gi * gi) * rest;
      s0t[i] = v;
      float m = s1t[i] * gamma + (gi * lr) / sqrtf(v + eps);
      s1t[i] = m;
      float old = pt[i];
      float next = old - m;
      pt[i] = decay ? next - old * d : next;
    }
  }
}

/* Adam and NAdam: m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  then
   theta <- theta - (alpha b) u / (sqrt(v) + eps) with u = m (Adam) or the lookahead
   b1 m + (1 - b1) g (NAdam);  s0 = m, s1 = v;  c = [b1, 1 - b1, b2, 1 - b2, alpha b, eps, d].
   Inlined into each caller with `lookahead` constant, so each loop is compiled without the test. */
static inline __attribute__((always_inline)) void adam_family(PARAMS, const int lookahead) {
  TRIAL_LOOP(7)
    const float b1 = ct[0], r1 = ct[1], b2 = ct[2], r2 = ct[3], step = ct[4], eps = ct[5];
    for (long i = 0; i < n; i++) {
      float gi = gt[i];
      float m = s0t[i] * b1 + gi * r1;
      float v = s1t[i] * b2 + (gi * gi) * r2;
      s0t[i] = m;
      s1t[i] = v;
      float u = lookahead ? m * b1 + gi * r1 : m;
      float old = pt[i];
      float next = old - (u * step) / (sqrtf(v) + eps);
      pt[i] = decay ? next - old * d : next;
    }
  }
}

CLONES void optbench_adam(PARAMS) {
  adam_family(p, g, s0, s1, k, n, c, decay, 0);
}

CLONES void optbench_nadam(PARAMS) {
  adam_family(p, g, s0, s1, k, n, c, decay, 1);
}
