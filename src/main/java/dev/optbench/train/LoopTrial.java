package dev.optbench.train;

import dev.optbench.optim.Schedule;
import dev.optbench.optim.Schedules;
import java.util.ArrayList;
import java.util.List;

/** One trial inside {@link TrialLoop}: its own settings, data order, curve, status and share of the time. */
final class LoopTrial {
    final TrainRequest request;
    final TrainConfig config;
    final Schedule schedule;
    final TrainListener listener;
    final List<Measurement> curve = new ArrayList<>();
    DataOrder order;
    double firstLoss = Double.NaN;
    double lossSum;
    long lossCount;
    long steps;
    RunStatus status = RunStatus.COMPLETED;
    /** What its group's step threw (the trial failed, or reruns alone when {@link #rerun}). */
    Throwable failure;
    /** It left the batch with a group of several whose step threw: it trains again alone. */
    boolean rerun;
    double shareNanos;
    double trainShareNanos;

    /** Its configuration and schedule over {@code total} steps; an InputException for bad values. */
    LoopTrial(TrainRequest request, long total, TrainListener listener) {
        this.request = request;
        this.config = TrainConfig.of(request.optimizers(), request.optimizer(), request.hparams());
        this.schedule = Schedules.create(config.scheduleKind(), config.learningRate(), config.scheduleHparams(),
                total);
        this.listener = listener;
    }

    void record(Measurement m) {
        curve.add(m);
        listener.onEvaluation(m);
    }

    TrainResult result() {
        if (failure != null) {
            return TrainResult.failed(dev.optbench.Messages.describe(failure), steps, curve, shareNanos / 1e9);
        }
        double stepsPerSecond = trainShareNanos > 0 ? steps / (trainShareNanos / 1e9) : 0;
        return new TrainResult(status, steps, curve, shareNanos / 1e9, stepsPerSecond);
    }
}
