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
                .hasMessage("unknown schedule 'cosine': choose one of constant, linear_decay, warmup_cosine,"
                        + " warmup_linear_decay");
        assertThatThrownBy(() -> Schedules.create("constant", 1.0, Map.of("decay_factor", 0.5), 10))
                .hasMessage("decay_factor does not apply to schedule constant (it takes no parameters)");
        assertThatThrownBy(() -> Schedules.create("constant", 1.0, Map.of("l2", 0.5), 10))
                .hasMessageStartingWith("unknown schedule hyperparameter 'l2'");
        assertThat(Schedules.names()).containsExactly("constant", "linear_decay", "warmup_cosine",
                "warmup_linear_decay");
    }

    @Test
    void warmupCosineRampsLinearlyThenFollowsHalfACosineToZero() {
        // total 100, warmup_factor 0.1 → W = 10; η0 = 2
        Schedule s = Schedules.create("warmup_cosine", 2.0, Map.of("warmup_factor", 0.1), 100);
        assertThat(s.rate(0)).isCloseTo(0.2, within(1e-15)); // η0 · 1/10
        assertThat(s.rate(4)).isCloseTo(1.0, within(1e-15)); // η0 · 5/10
        assertThat(s.rate(9)).isCloseTo(2.0, within(1e-15)); // W − 1: η0 · 10/10
        assertThat(s.rate(10)).isCloseTo(2.0, within(1e-15)); // W: ½(1 + cos 0)
        assertThat(s.rate(55)).isCloseTo(1.0, within(1e-15)); // (t − W)/(total − W) = 45/90: ½(1 + cos π/2)
        // total − 1: ½(1 + cos(89π/90)) = ½(1 − cos(π/90)), cos(π/90) = 0.9993908270190958
        assertThat(s.rate(99)).isCloseTo(2.0 * 0.5 * (1 - 0.9993908270190958), within(1e-15));
    }

    @Test
    void warmupCosineWithoutWarmupStartsAtTheFullRate() {
        // W = ⌊0 · 100⌋ = 0 and W = ⌊0.005 · 100⌋ = 0 alike: no warmup step, no division by W
        for (double factor : new double[] {0.0, 0.005}) {
            Schedule s = Schedules.create("warmup_cosine", 2.0, Map.of("warmup_factor", factor), 100);
            assertThat(s.rate(0)).isEqualTo(2.0);
            assertThat(s.rate(50)).isCloseTo(1.0, within(1e-15)); // ½(1 + cos π/2)
        }
        // W = ⌊0.05 · 30⌋ = 1: step 0 is the whole warmup, at η0 · 1/1
        Schedule one = Schedules.create("warmup_cosine", 2.0, Map.of("warmup_factor", 0.05), 30);
        assertThat(one.rate(0)).isEqualTo(2.0);
        assertThat(one.rate(1)).isEqualTo(2.0);
    }

    @Test
    void warmupLinearDecayRampsDecaysToTheEndFactorAtDThenStays() {
        // total 100: W = ⌊0.1 · 100⌋ = 10, D = ⌊0.9 · 100⌋ = 90, end_factor 0.01, η0 = 2
        Schedule s = Schedules.create("warmup_linear_decay", 2.0,
                Map.of("warmup_factor", 0.1, "decay_steps_factor", 0.9, "end_factor", 0.01), 100);
        assertThat(s.rate(0)).isCloseTo(0.2, within(1e-15));
        assertThat(s.rate(9)).isCloseTo(2.0, within(1e-15)); // W − 1
        assertThat(s.rate(10)).isCloseTo(2.0, within(1e-15)); // W: 1 − 0.99 · 0/80
        assertThat(s.rate(50)).isCloseTo(2.0 * (1 - 0.99 * 40 / 80), within(1e-15)); // 1.01
        assertThat(s.rate(89)).isCloseTo(2.0 * (1 - 0.99 * 79 / 80), within(1e-15)); // D − 1: 0.04475
        assertThat(s.rate(90)).isCloseTo(0.02, within(1e-15)); // D: end_factor · η0
        assertThat(s.rate(99)).isCloseTo(0.02, within(1e-15)); // total − 1
    }

    @Test
    void warmupLinearDecayWithoutWarmupDecaysFromStepZero() {
        Schedule s = Schedules.create("warmup_linear_decay", 2.0,
                Map.of("warmup_factor", 0.0, "decay_steps_factor", 0.9, "end_factor", 0.01), 100);
        assertThat(s.rate(0)).isEqualTo(2.0);
        assertThat(s.rate(45)).isCloseTo(2.0 * (1 - 0.99 * 45 / 90), within(1e-15));
        assertThat(s.rate(90)).isCloseTo(0.02, within(1e-15));
    }

    @Test
    void warmupScheduleInputIsChecked() {
        assertThatThrownBy(() -> Schedules.create("warmup_cosine", 1.0, Map.of("warmup_factor", 1.0), 10))
                .isInstanceOf(InputException.class)
                .hasMessage("warmup_factor = 1 is out of range: need 0 ≤ warmup_factor < 1");
        assertThatThrownBy(() -> Schedules.create("warmup_cosine", 1.0, Map.of("decay_factor", 0.5), 10))
                .hasMessage("decay_factor does not apply to schedule warmup_cosine (it takes warmup_factor)");
        assertThatThrownBy(() -> Schedules.create("warmup_linear_decay", 1.0,
                Map.of("warmup_factor", 0.5, "decay_steps_factor", 0.5, "end_factor", 0.1), 10))
                .hasMessage("warmup_linear_decay needs decay_steps_factor > warmup_factor (D = 5 steps, W = 5 steps of 10)");
        assertThatThrownBy(() -> Schedules.create("warmup_linear_decay", 1.0, Map.of("end_factor", 1.5), 10))
                .hasMessage("end_factor = 1.5 is out of range for warmup_linear_decay: need 0 ≤ end_factor ≤ 1");
    }

    @Test
    void theNamesATrialCarriesSelectTheSchedule() {
        assertThat(Schedules.kindFor(java.util.Set.of())).isEqualTo("constant");
        assertThat(Schedules.kindFor(java.util.Set.of("decay_factor"))).isEqualTo("linear_decay");
        // AlgoPerf's AdamW / NAdamW spaces: warmup_factor alone
        assertThat(Schedules.kindFor(java.util.Set.of("warmup_factor"))).isEqualTo("warmup_cosine");
        // AlgoPerf's momentum / Nesterov spaces: warmup_factor, decay_steps_factor, end_factor
        assertThat(Schedules.kindFor(java.util.Set.of("warmup_factor", "decay_steps_factor", "end_factor")))
                .isEqualTo("warmup_linear_decay");
    }
}
