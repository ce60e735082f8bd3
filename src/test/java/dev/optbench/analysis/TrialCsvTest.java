package dev.optbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import dev.optbench.study.Trial;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrialCsvTest {
    private static final String GOOD =
            "optimizer,trial,validation_error,test_error,steps_to_target,learning_rate,\"odd, \"\"name\"\"\"\n"
            + "sgd,0,0.20,0.21,1500,0.1,\n"
            + "sgd,1,0.25,0.26,,0.01,3\r\n"
            + "adam,0,0.18,0.19,900,0.001,4\n";

    @Test
    void readsTrialsHyperparametersAndStepsToTarget() {
        TrialCsv csv = TrialCsv.parse(GOOD, "f.csv", "imp");
        assertThat(csv.trials()).hasSize(3);
        assertThat(csv.optimizers()).containsExactly("sgd", "adam");
        assertThat(csv.hyperparameters()).containsExactly("learning_rate", "odd, \"name\"");
        assertThat(csv.maxTrialsPerOptimizer()).isEqualTo(2);
        Trial t = csv.trials().get(1);
        assertThat(t.study()).isEqualTo("imp");
        assertThat(t.index()).isEqualTo(1);
        assertThat(t.validationError()).isEqualTo(0.25);
        assertThat(t.testError()).isEqualTo(0.26);
        assertThat(t.stepsToTarget()).isNull(); // empty: not reached
        assertThat(t.hparams()).containsEntry("learning_rate", 0.01).containsEntry("odd, \"name\"", 3.0);
        assertThat(csv.trials().get(0).hparams()).doesNotContainKey("odd, \"name\"");
        assertThat(csv.trials().get(0).stepsToTarget()).isEqualTo(1500.0);
        var def = csv.definition("imp", "fmnist_mlp", "full", Instant.EPOCH);
        assertThat(def.trialsPerOptimizer()).isEqualTo(2);
        assertThat(def.optimizers()).containsExactly("sgd", "adam");
    }

    @Test
    void badRowsAreRejectedWithTheirLineNumber() {
        String header = "optimizer,trial,validation_error,test_error\n";
        assertThatThrownBy(() -> TrialCsv.parse(header + "sgd,0,0.2,0.2\nsgd,1,,0.2\n", "f.csv", "s"))
                .isInstanceOf(InputException.class).hasMessage(
                        "f.csv line 3: missing validation_error; every trial needs both errors (remove the row if the trial did not finish)");
        assertThatThrownBy(() -> TrialCsv.parse(header + "sgd,0,0.2,0.2\n\nsgd,1,0.2,abc\n", "f.csv", "s"))
                .hasMessage("f.csv line 4: test_error 'abc' is not a finite number; fix the value");
        assertThatThrownBy(() -> TrialCsv.parse(header + "sgd,0,0.2,NaN\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 2: test_error 'NaN' is not a finite number");
        assertThatThrownBy(() -> TrialCsv.parse(header + "sgd,x,0.2,0.2\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 2: trial 'x' is not a trial number");
        assertThatThrownBy(() -> TrialCsv.parse(header + "sgd,0,0.2,0.2\nsgd,0,0.3,0.3\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 3: trial 0 of sgd appears twice");
        assertThatThrownBy(() -> TrialCsv.parse(header + "sgd,0,0.2\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 2: 3 fields but the header has 4");
        assertThatThrownBy(() -> TrialCsv.parse("optimizer,trial,test_error\nsgd,0,0.2\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 1: missing column 'validation_error'");
        // hyperparameters must be numbers too; a cell with a line break is shown on one line
        assertThatThrownBy(() -> TrialCsv.parse(header.replace("\n", ",note\n") + "sgd,0,0.2,0.2,\"a\nb\"\n",
                "f.csv", "s")).hasMessage("f.csv line 2: note 'a\\nb' is not a finite number; fix the value");
    }
}
