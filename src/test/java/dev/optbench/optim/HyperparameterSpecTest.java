package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HyperparameterSpecTest {
    @Test
    void rangesAreGeneralWithOpenOrClosedEnds() {
        HyperparameterSpec closedOpen = new HyperparameterSpec("beta2", 0.99, "", "[0, 1)");
        assertThat(closedOpen.allows(0)).isTrue();
        assertThat(closedOpen.allows(1)).isFalse();
        assertThat(closedOpen.rangeText()).isEqualTo("0 ≤ beta2 < 1");
        HyperparameterSpec bounded = new HyperparameterSpec("tau", 2.0, "", -1, false, 5, true);
        assertThat(bounded.allows(-1)).isFalse();
        assertThat(bounded.allows(5)).isTrue();
        assertThat(bounded.allows(5.0001)).isFalse();
        assertThat(bounded.allowedRange()).isEqualTo("(-1, 5]");
        assertThat(bounded.rangeText()).isEqualTo("-1 < tau ≤ 5");
        HyperparameterSpec positive = new HyperparameterSpec("lr", null, "", "> 0");
        assertThat(positive.allows(0)).isFalse();
        assertThat(positive.allows(1e300)).isTrue();
        assertThat(positive.allows(Double.POSITIVE_INFINITY)).isFalse();
        assertThat(positive.allows(Double.NaN)).isFalse();
        assertThat(positive.allowedRange()).isEqualTo("> 0");
        assertThat(new HyperparameterSpec("e", 0.0, "", "≥ 0").rangeText()).isEqualTo("e ≥ 0");
        assertThat(new HyperparameterSpec("x", 0.5, "", "[0.25, 0.75]").allows(0.75)).isTrue();
        assertThatThrownBy(() -> new HyperparameterSpec("x", 0.5, "", "0 to 1"))
                .hasMessageContaining("cannot read range '0 to 1'");
        assertThatThrownBy(() -> new HyperparameterSpec("x", 0.5, "", 2, true, 1, true))
                .hasMessageContaining("empty range");
    }
}
