package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.optbench.InputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulesTest {
    @Test
    void constantKeepsTheInitialRate() {
        Schedule s = Schedules.create("constant", 0.3, Map.of(), 100);
        assertThat(s.rate(0)).isEqualTo(0.3);
        assertThat(s.rate(99)).isEqualTo(0.3);
    }

    @Test
    void linearDecayFallsToTheFactorAtTThenStays() {
        // total 100, decay_steps_factor 0.5 → T = 50; f = 0.1
        Schedule s = Schedules.create("linear_decay", 2.0,
                Map.of("decay_steps_factor", 0.5, "decay_factor", 0.1), 100);
        assertThat(s.rate(0)).isCloseTo(2.0, within(1e-15));
        assertThat(s.rate(25)).isCloseTo(2.0 * (0.1 + 0.9 * 0.5), within(1e-15)); // 1.1
        assertThat(s.rate(40)).isCloseTo(2.0 * (0.1 + 0.9 * 0.2), within(1e-15)); // 0.56
        assertThat(s.rate(50)).isCloseTo(0.2, within(1e-15));
        assertThat(s.rate(99)).isCloseTo(0.2, within(1e-15));
    }

    @Test
    void linearDecayDefaultsDecayOverTheWholeRunToOnePercent() {
        Schedule s = Schedules.create("linear_decay", 1.0, Map.of(), 200);
        assertThat(s.rate(100)).isCloseTo(0.01 + 0.99 * 0.5, within(1e-15));
        assertThat(s.rate(200)).isCloseTo(0.01, within(1e-15));
    }

    @Test
    void badScheduleInputIsRejectedWithTheRange() {
        assertThatThrownBy(() -> Schedules.create("linear_decay", 1.0, Map.of("decay_factor", 0.0), 10))
                .isInstanceOf(InputException.class)
                .hasMessage("decay_factor = 0 is out of range for linear_decay: need 0 < decay_factor ≤ 1");
        assertThatThrownBy(() -> Schedules.create("linear_decay", 1.0,
                Map.of("decay_steps_factor", 1.5), 10))
                .hasMessage("decay_steps_factor = 1.5 is out of range for linear_decay:"
                        + " need 0 < decay_steps_factor ≤ 1");
        assertThatThrownBy(() -> Schedules.create("cosine", 1.0, Map.of(), 10))
                .hasMessage("unknown schedule 'cosine': choose one of constant, linear_decay");
        assertThatThrownBy(() -> Schedules.create("constant", 1.0, Map.of("decay_factor", 0.5), 10))
                .hasMessage("decay_factor applies only to --schedule linear_decay, not constant");
        assertThatThrownBy(() -> Schedules.create("constant", 1.0, Map.of("l2", 0.5), 10))
                .hasMessageStartingWith("unknown schedule hyperparameter 'l2'");
        assertThat(Schedules.names()).containsExactly("constant", "linear_decay");
    }
}
