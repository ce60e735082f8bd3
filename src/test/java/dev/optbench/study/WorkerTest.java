package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.train.Measurement;
import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerTest {
    private static final List<Measurement> CURVE = List.of(
            new Measurement(100, Split.TRAIN_EVAL, 0.9, 0.10), // train_eval below target does not count
            new Measurement(100, Split.VALIDATION, 1.0, 0.30),
            new Measurement(200, Split.VALIDATION, 0.8, 0.25),
            new Measurement(300, Split.VALIDATION, 0.7, 0.20));

    @Test
    void stepsToTargetIsTheFirstValidationEvaluationAtOrBelowTheTarget() {
        TrainResult r = new TrainResult(RunStatus.COMPLETED, 300, CURVE, 1, 300);
        assertThat(Worker.stepsToTarget(r, 0.25)).isEqualTo(200.0);
        assertThat(Worker.stepsToTarget(r, 0.3)).isEqualTo(100.0);
        assertThat(Worker.stepsToTarget(r, 0.19)).isNull();
        assertThat(Worker.stepsToTarget(r, Double.NaN)).isNull();
        assertThat(Worker.stepsToTarget(new TrainResult(RunStatus.DIVERGED, 300, CURVE, 1, 300), 0.5)).isNull();
    }
}
