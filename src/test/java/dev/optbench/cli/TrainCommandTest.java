package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.bench.TorchPeer;
import dev.optbench.workload.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CliRun r = CliRun.of(args);
        return new Run(r.exitCode(), r.out(), r.err());
    }

    @Test
    void jsonHoldsTheRunAndItsCurve() throws Exception {
        Path data = TestData.fashion(dir.resolve("f"), 300, 50);
        Run r = run("train", "--workload", "fmnist_mlp-tiny", "--optimizer", "momentum",
                "--hparams", "learning_rate=0.01,momentum=0.9", "--steps", "150", "--seed", "3",
                "--data-dir", data.toString(), "--json", "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("workload").asText()).isEqualTo("fmnist_mlp-tiny");
        assertThat(j.get("optimizer").asText()).isEqualTo("momentum");
        assertThat(j.get("hparams").get("momentum").asDouble()).isEqualTo(0.9);
        assertThat(j.get("seed").asLong()).isEqualTo(3);
        assertThat(j.get("steps").asLong()).isEqualTo(150);
        assertThat(j.get("status").asText()).isEqualTo("completed");
        assertThat(j.get("seconds").asDouble()).isPositive();
        JsonNode curve = j.get("curve");
        assertThat(curve).hasSize(2); // steps 100 and 150
        JsonNode last = curve.get(1);
        assertThat(last.get("step").asLong()).isEqualTo(150);
        for (String f : new String[] {"train_loss", "validation_error", "validation_loss", "test_error"}) {
            assertThat(last.has(f)).as(f).isTrue();
        }
        assertThat(j.get("validation_error").asDouble()).isEqualTo(last.get("validation_error").asDouble());
        assertThat(j.get("test_error").asDouble()).isEqualTo(last.get("test_error").asDouble());
        assertThat(j.get("validation_loss").asDouble()).isEqualTo(last.get("validation_loss").asDouble());
    }

    @Test
    void divergedRunReportsErrorOneAndNullLosses() throws Exception {
        Path data = TestData.fashion(dir.resolve("d"), 300, 50);
        Run r = run("train", "--workload", "fmnist_mlp-tiny", "--optimizer", "sgd", "--hparams", "learning_rate=1e6",
                "--data-dir", data.toString(), "--json", "--no-progress");
        assertThat(r.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("status").asText()).isEqualTo("diverged");
        assertThat(j.get("validation_error").asDouble()).isEqualTo(1.0);
        assertThat(j.get("test_error").asDouble()).isEqualTo(1.0);
        assertThat(j.get("validation_loss").isNull()).isTrue();
        assertThat(j.get("steps").asLong()).isLessThan(300);
    }

    @Test
    void textOutputNamesTheFinalErrors() throws Exception {
        Path data = TestData.fashion(dir.resolve("g"), 300, 50);
        Run r = run("train", "--workload", "fmnist_mlp-tiny", "--optimizer", "sgd", "--hparams", "learning_rate=0.05",
                "--steps", "20", "--data-dir", data.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("completed after 20 steps").containsPattern("validation error 0\\.\\d{4}")
                .containsPattern("test error 0\\.\\d{4}");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        Run missing = run("train", "--workload", "fmnist_mlp", "--optimizer", "adam", "--hparams", "learning_rate=0.001",
                "--data-dir", dir.resolve("nothing").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).doesNotContain("\n")
                .contains("dataset-fashion-mnist").contains(dir.resolve("nothing").toString());
        Run unknown = run("train", "--workload", "nope", "--optimizer", "adam", "--hparams", "learning_rate=0.1");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown workload 'nope'");
        Run badPair = run("train", "--workload", "fmnist_mlp", "--optimizer", "adam", "--hparams", "learning_rate");
        assertThat(badPair.code()).isEqualTo(2);
        assertThat(badPair.err()).contains("not name=value");
        Run device = run("train", "--workload", "fmnist_mlp", "--optimizer", "adam", "--hparams", "learning_rate=0.1",
                "--device", "tpu");
        assertThat(device.code()).isEqualTo(2);
        assertThat(device.err()).contains("unknown device 'tpu'");
    }

    @Test
    void gpuWithoutAGpuNamesTheFix() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ai.djl.engine.Engine.getInstance().getGpuCount() == 0);
        Path data = TestData.fashion(dir.resolve("h"), 100, 20);
        Run r = run("train", "--workload", "fmnist_mlp-tiny", "--optimizer", "sgd", "--hparams", "learning_rate=0.1",
                "--device", "gpu", "--data-dir", data.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no GPU visible").contains("--engine torch --device cuda");
    }

    @Test
    void benchTrainMemoryTrainsItsTrialsInBatchesAndChecksTheLevel() throws Exception {
        Path data = TestData.fashion(dir.resolve("m"), 100, 20);
        Run r = run("bench", "train", "--memory-trials", "24", "--memory-steps", "3", "--memory-batch", "8",
                "--data-dir", data.toString());
        assertThat(r.code()).as(r.err()).isIn(0, 1); // 1 would mean RSS grew: the report still comes
        // three batches of 8: the level after trial 20 is taken at the batch that reaches it
        assertThat(r.out()).contains("trial   24  RSS").contains("RSS after 20 trials").contains("ratio");
        Run bad = run("bench", "train", "--memory-trials", "4", "--memory-batch", "0", "--data-dir", data.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--memory-batch must be at least 1").doesNotContain("Exception");
        // the convolutional native passes too
        Run cnn = run("bench", "train", "--memory-trials", "8", "--memory-steps", "2", "--memory-batch", "4",
                "--memory-workload", "fmnist_2c2d-tiny", "--data-dir", data.toString());
        assertThat(cnn.code()).as(cnn.err()).isIn(0, 1);
        assertThat(cnn.out()).contains("trial    8  RSS").contains("ratio");
        Run unknown = run("bench", "train", "--memory-trials", "4", "--memory-workload", "fmnist_cnn",
                "--data-dir", data.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown workload 'fmnist_cnn'").doesNotContain("Exception");
    }

    @Test
    void benchTrainPrintsDjlAndPyTorchStepsPerSecondAndTheirRatio() {
        boolean torch = java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) && pythonHasTorch();
        List<String> args = new java.util.ArrayList<>(List.of("bench", "train", "--workloads", "fmnist_mlp",
                "--variants", "tiny", "--warmup", "1", "--repeats", "1", "--block-seconds", "0.05",
                "--torch-script", Path.of("bench/torch_trials.py").toAbsolutePath().toString()));
        if (!torch) {
            args.add("--no-torch");
        }
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        int cores = Runtime.getRuntime().availableProcessors();
        int djlColumns = cores > 1 ? 2 : 1;
        List<TorchPeer.PeerLayout> layouts = TorchPeer.candidates(cores);
        assertThat(r.out()).contains("DJL 1p×1t").contains("PyTorch 1p×1t").contains("DJL/PyTorch");
        String row = r.out().lines().filter(l -> l.startsWith("fmnist_mlp-tiny")).findFirst().orElseThrow();
        String[] cells = row.trim().split("\\s+");
        assertThat(cells).hasSize(1 + djlColumns + layouts.size() + 1);
        double djl = 0;
        for (int i = 1; i <= djlColumns; i++) {
            djl = Math.max(djl, Double.parseDouble(cells[i]));
        }
        assertThat(djl).isPositive();
        if (torch) {
            double peer = 0;
            for (int i = 0; i < layouts.size(); i++) {
                if (layouts.get(i).processes() == 1) {
                    peer = Math.max(peer, Double.parseDouble(cells[1 + djlColumns + i]));
                }
            }
            assertThat(Double.parseDouble(cells[cells.length - 1])).isCloseTo(djl / peer,
                    org.assertj.core.api.Assertions.within(0.01 * djl / peer + 0.01));
            assertThat(r.out()).contains("PyTorch 1p×1t: torch ").contains("BLAS ");
        }
    }

    private static boolean pythonHasTorch() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void hparamsParseInOrder() {
        assertThat(TrainCommand.parseHparams("learning_rate=0.1, beta1=0.5,")).isEqualTo(
                Map.of("learning_rate", 0.1, "beta1", 0.5));
        assertThatThrownBy(() -> TrainCommand.parseHparams("learning_rate=0.1,beta1=0.5,learning_rate=0.2"))
                .isInstanceOf(dev.optbench.InputException.class)
                .hasMessage("--hparams: learning_rate is given twice; give each name once");
        assertThatThrownBy(() -> TraceCommand.parseHparams("learning_rate=0.1, learning_rate=0.1"))
                .hasMessage("--hparams: learning_rate is given twice; give each name once");
    }

    @Test
    void workloadsListsEveryWorkload() {
        Run r = run("workloads");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("fmnist_mlp-tiny").contains("imagenet_resnet50").contains("char_lstm")
                .containsPattern("fmnist_mlp\\s+fashion-mnist\\s+128\\s+5000\\s+500\\s+0\\.12\\s+batched")
                .containsPattern("cifar10_3c3d-tiny\\s+cifar-10\\s+32\\s+300\\s+100\\s+0\\.65\\s+batched")
                .containsPattern("char_lstm\\s+\\S+\\s+50\\s+20000\\s+2000\\s+0\\.40\\s+1\\s");
    }
}
