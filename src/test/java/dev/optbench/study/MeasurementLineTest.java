package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measurement line both trial-process protocols share. */
class MeasurementLineTest {
    @Test
    void splitsInOrderNonFiniteValuesStoredAsMissingAndANonFiniteLossCalled() throws Exception {
        MeasurementLine m = MeasurementLine.parse(ExternalOutput.objectOf("{\"trial\": \"s/a#0\", \"step\": 100,"
                + " \"test_error\": 0.3, \"train_loss\": 0.5, \"validation_loss\": NaN, \"validation_error\": 0.25}"),
                TaggedOutput.FIELDS, "trial");
        assertThat(m.step()).isEqualTo(100);
        assertThat(m.measurements()).containsExactly(new Measurement(100, Split.TRAIN, 0.5, Double.NaN),
                new Measurement(100, Split.VALIDATION, Double.NaN, 0.25), new Measurement(100, Split.TEST, Double.NaN, 0.3));
        assertThat(m.reportsValidationError()).isTrue();
        assertThat(m.nonFiniteLoss()).isTrue();
        MeasurementLine errorsOnly = MeasurementLine.parse(ExternalOutput.objectOf(
                "{\"step\": 7, \"validation_error\": Infinity}"), ExternalOutput.FIELDS, null);
        assertThat(errorsOnly.measurements()).containsExactly(new Measurement(7, Split.VALIDATION, Double.NaN, Double.NaN));
        assertThat(errorsOnly.reportsValidationError()).isFalse();
        assertThat(errorsOnly.nonFiniteLoss()).isFalse();
    }

    @Test
    void eachProtocolAcceptsOnlyItsOwnFields() {
        for (String[] c : List.of(
                new String[] {"{\"step\": 1, \"test_loss\": 0.1}", "has unknown field 'test_loss'"},
                new String[] {"{\"trial\": \"x\", \"step\": 1}", "has unknown field 'trial'"},
                new String[] {"{\"step\": 1, \"train_loss\": \"low\"}", "has a non-numeric train_loss"},
                new String[] {"{\"step\": 1.5}", "needs \"step\", a whole number ≥ 0"},
                new String[] {"{\"train_loss\": 1}", "needs \"step\", a whole number ≥ 0"})) {
            assertThatThrownBy(() -> MeasurementLine.parse(ExternalOutput.objectOf(c[0]), ExternalOutput.FIELDS, null))
                    .as(c[0]).isInstanceOf(MeasurementLine.Malformed.class).hasMessage(c[1]);
        }
    }
}
