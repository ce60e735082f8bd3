package dev.optbench.optim;

/** A learning-rate schedule of SPEC section 3: the rate to use at step t (t = 0, 1, 2, ...). */
@FunctionalInterface
public interface Schedule {
    double rate(long t);
}
