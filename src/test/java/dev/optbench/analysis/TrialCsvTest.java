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
        TrialCsv csv = TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, GOOD, "f.csv", "imp");
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
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, header + "sgd,0,0.2,0.2\nsgd,1,,0.2\n", "f.csv", "s"))
                .isInstanceOf(InputException.class).hasMessage(
                        "f.csv line 3: missing validation_error; every trial needs both errors (remove the row if the trial did not finish)");
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, header + "sgd,0,0.2,0.2\n\nsgd,1,0.2,abc\n", "f.csv", "s"))
                .hasMessage("f.csv line 4: test_error 'abc' is not a finite number; fix the value");
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, header + "sgd,0,0.2,NaN\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 2: test_error 'NaN' is not a finite number");
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, header + "sgd,x,0.2,0.2\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 2: trial 'x' is not a trial number");
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, header + "sgd,0,0.2,0.2\nsgd,0,0.3,0.3\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 3: trial 0 of sgd appears twice");
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, header + "sgd,0,0.2\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 2: 3 fields but the header has 4");
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "optimizer,trial,test_error\nsgd,0,0.2\n", "f.csv", "s"))
                .hasMessageStartingWith("f.csv line 1: missing column 'validation_error'");
        // hyperparameters must be numbers too; a cell with a line break is shown on one line
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, header.replace("\n", ",note\n") + "sgd,0,0.2,0.2,\"a\nb\"\n",
                "f.csv", "s")).hasMessage("f.csv line 2: note 'a\\nb' is not a finite number; fix the value");
    }

    // ---------------------------------------------------------------- CSV as spreadsheets expect (issue 19)

    private static final String[] PIECES = {",", "\"", "\n", "\r", "\r\n", "'", "=", "+", "-", "@", "\t", " ", "é", "日本",
        "\uD83D\uDE00", "a", "B", "1", "SUM(A1)", "=HYPERLINK(\"x\")", "\"\"", ";", "''"};

    /** An awkward label: empty, or 1–6 pieces of quotes, separators, line breaks, formula starts, non-ASCII. */
    private static String label(java.util.Random rnd) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(7);
        for (int i = 0; i < n; i++) {
            b.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    private static Trial trial(String optimizer, int index, String worker, java.util.Map<String, Double> hparams, double error) {
        return new Trial("s", optimizer, index, dev.optbench.study.TrialState.COMPLETED, hparams, hparams, 7L * index - 3,
                worker, null, null, 100, 1.5, error, error + 0.01, index % 2 == 0 ? null : 50.0,
                java.util.Map.of(), null, java.util.List.of(), index, 0, 1);
    }

    @Test
    void exportImportExportIsIdenticalForAwkwardLabels() {
        java.util.Random rnd = new java.util.Random(20260419L);
        for (int c = 0; c < 500; c++) {
            java.util.List<Trial> trials = new java.util.ArrayList<>();
            java.util.Set<String> optimizers = new java.util.LinkedHashSet<>();
            while (optimizers.size() < 3) {
                String o = label(rnd);
                if (!o.isEmpty()) { // an optimizer needs a name (an empty one is refused, see below)
                    optimizers.add(o);
                }
            }
            String hp = label(rnd);
            String hpName = hp.isEmpty() || hp.startsWith("searched.") ? "lr" + hp : hp;
            int i = 0;
            for (String o : optimizers) {
                trials.add(trial(o, i, label(rnd), java.util.Map.of(hpName, -0.5 * (i + 1)), 0.1 * (i + 1)));
                i++;
            }
            String first = dev.optbench.study.TrialExport.csv(trials);
            TrialCsv back = TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, first, "e.csv", "s");
            assertThat(back.optimizers()).as("case %d: %s", c, first).containsExactlyElementsOf(optimizers);
            for (int k = 0; k < trials.size(); k++) {
                Trial before = trials.get(k);
                Trial after = back.trials().get(k);
                assertThat(after.optimizer()).isEqualTo(before.optimizer());
                assertThat(after.worker()).isEqualTo(before.worker().isEmpty() ? null : before.worker());
                assertThat(after.hparams()).isEqualTo(before.hparams());
            }
            assertThat(dev.optbench.study.TrialExport.csv(back.trials())).as("case %d", c).isEqualTo(first);
        }
    }

    @Test
    void exportQuotesAndNeutralizesLabelsButNotNumbers() {
        java.util.List<Trial> trials = java.util.List.of(trial("a,b", 0, "=cmd|' /C calc'!A0", java.util.Map.of("-x", -2.0), 0.25),
                trial("+1", 1, "\"q\"\nline", java.util.Map.of("-x", -3.0), 0.5));
        String csv = dev.optbench.study.TrialExport.csv(trials);
        String[] lines = csv.split("\n", -1);
        assertThat(lines[0]).startsWith("optimizer,trial,state,'-x,validation_error");
        assertThat(lines[1]).isEqualTo("\"a,b\",0,completed,-2.0,0.25,0.26,100,1.500,,-3,'=cmd|' /C calc'!A0,0,0,1");
        assertThat(lines[2]).isEqualTo("'+1,1,completed,-3.0,0.5,0.51,100,1.500,50.0,4,\"\"\"q\"\"");
        assertThat(lines[3]).isEqualTo("line\",1,0,1");
        // a file written by hand: a quoted cell keeps its spaces and line breaks, an unquoted one is trimmed
        TrialCsv read = TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "optimizer,trial,validation_error,test_error\n\" sgd\r\n\", 0 ,0.1, 0.2\n", "h.csv", "s");
        assertThat(read.optimizers()).containsExactly(" sgd\r\n");
        assertThat(read.trials().get(0).testError()).isEqualTo(0.2);
        // a label of quotes before a formula start keeps its own quotes; a plain leading quote is left alone
        assertThat(dev.optbench.study.CsvText.text("'=x")).isEqualTo("''=x");
        assertThat(dev.optbench.study.CsvText.restore("''=x")).isEqualTo("'=x");
        assertThat(dev.optbench.study.CsvText.text("'plain")).isEqualTo("'plain");
        assertThat(dev.optbench.study.CsvText.restore("'plain")).isEqualTo("'plain");
        assertThatThrownBy(() -> TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "optimizer,trial,validation_error,test_error\n\"\",0,0.1,0.2\n", "h.csv", "s"))
                .hasMessageStartingWith("h.csv line 2: missing optimizer");
    }

    @Test
    void overlongCellsAndLinesAreOneShortError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path cell = dir.resolve("cell.csv");
        java.nio.file.Files.writeString(cell, "optimizer,trial,validation_error,test_error\nsgd,0,0.1," + "9".repeat(50_000_000) + "\n");
        assertThatThrownBy(() -> TrialCsv.read(dev.optbench.optim.OptimizerRegistry.BUILT_IN, cell, "s")).isInstanceOf(InputException.class)
                .hasMessage(cell + " line 2: a cell longer than 65536 characters (starting '" + "9".repeat(80)
                        + "…'); optbench imports cells up to that length");
        java.nio.file.Path line = dir.resolve("line.csv");
        java.nio.file.Files.writeString(line, "optimizer,trial,validation_error,test_error\n" + "1,".repeat(600_000) + "\n");
        assertThatThrownBy(() -> TrialCsv.read(dev.optbench.optim.OptimizerRegistry.BUILT_IN, line, "s"))
                .hasMessage(line + " line 2: a line (record) longer than 1048576 characters; optbench imports lines up to that length");
        java.nio.file.Path rows = dir.resolve("rows.csv");
        java.nio.file.Files.writeString(rows, "optimizer,trial,validation_error,test_error\n" + "\n".repeat(1_000_001));
        assertThatThrownBy(() -> TrialCsv.read(dev.optbench.optim.OptimizerRegistry.BUILT_IN, rows, "s")).hasMessageContaining("more than 1000000 rows");
        java.nio.file.Path latin = dir.resolve("latin1.csv");
        java.nio.file.Files.write(latin, "optimizer,trial,validation_error,test_error\nsgd\u00e9,0,0.1,0.2\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TrialCsv.read(dev.optbench.optim.OptimizerRegistry.BUILT_IN, latin, "s")).hasMessage(latin + " is not UTF-8 text; save it as UTF-8 CSV");
    }
}
