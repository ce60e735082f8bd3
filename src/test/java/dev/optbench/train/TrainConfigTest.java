package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void theScheduleNamesOfATrialPickItsSchedule() {
        assertThat(TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adam", Map.of("learning_rate", 1e-3)).scheduleKind()).isEqualTo("constant");
        assertThat(TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adam", Map.of("learning_rate", 1e-3, "decay_factor", 0.1)).scheduleKind())
                .isEqualTo("linear_decay");
        TrainConfig nadamw = TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "nadam", Map.of("learning_rate", 1e-3, "warmup_factor", 0.05,
                "weight_decay", 0.1, "label_smoothing", 0.1, "dropout_rate", 0.1));
        assertThat(nadamw.scheduleKind()).isEqualTo("warmup_cosine");
        assertThat(nadamw.scheduleHparams()).isEqualTo(Map.of("warmup_factor", 0.05));
        TrainConfig nesterov = TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "nesterov", Map.of("learning_rate", 0.1, "warmup_factor", 0.05,
                "decay_steps_factor", 0.9, "end_factor", 1e-3));
        assertThat(nesterov.scheduleKind()).isEqualTo("warmup_linear_decay");
        assertThat(nesterov.scheduleHparams()).hasSize(3);
    }
}
