package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** study create's engine options and their input errors; workloads' engine column. */
public class TorchCliTest {
    @TempDir Path dir;

    @Test
    void createsATorchStudyAndRefusesEngineOptionsThatDoNotFit() {
        String store = "sqlite:" + dir.resolve("t.db");
        StudyCliTest.Result ok = StudyCliTest.run("study", "create", "g", "--workload", "fmnist_2c2d-tiny", "--protocol",
                "lr-only", "--optimizers", "sgd,adam", "--trials", "2", "--engine", "torch", "--device", "cuda",
                "--store", store);
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("fmnist_2c2d-tiny (torch engine, cuda)");
        String[][] bad = {
            {"--device", "cuda"}, // DJL study
            {"--engine", "tpu"},
            {"--engine", "torch", "--device", "gpu"},
            {"--engine", "torch", "--optimizer-class", "lion=my.lion:Lion"}, // not in --optimizers, no --space
            {"--engine", "torch", "--optimizer-class", "adam=my.lion:Lion"}, // a built-in's name
            {"--steps", "50"}, // a DJL study trains the workload's budget
            {"--engine", "torch", "--steps", "0"},
            {"--trial-timeout", "5"}, // a DJL study
            {"--engine", "torch", "--trial-timeout", "-1"},
        };
        String[] expected = {"belong to --engine torch", "give djl or torch", "give --device cpu or --device cuda",
            "lion is not in --optimizers", "adam is a built-in optimizer", "--steps applies to external trials and to"
            + " --engine torch", "--steps", "--trial-timeout applies to external trials and to --engine torch",
            "--trial-timeout must be a number of seconds ≥ 0"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[12 + bad[i].length];
            System.arraycopy(new String[] {"study", "create", "b" + i, "--workload", "fmnist_mlp-tiny", "--protocol",
                "lr-only", "--optimizers", "sgd,adam", "--trials", "1", "--store=" + store}, 0, args, 0, 12);
            System.arraycopy(bad[i], 0, args, 12, bad[i].length);
            StudyCliTest.Result r = StudyCliTest.run(args);
            assertThat(r.code()).as(String.join(" ", bad[i])).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", bad[i])).contains(expected[i]);
        }
        StudyCliTest.Result timed = StudyCliTest.run("study", "create", "t", "--workload", "fmnist_mlp-tiny", "--protocol",
                "lr-only", "--optimizers", "sgd", "--trials", "1", "--engine", "torch", "--trial-timeout", "90",
                "--store", store);
        assertThat(timed.code()).as(timed.err()).isZero();
        try (dev.optbench.study.SqlStudyStore s = dev.optbench.study.StudyStores.open(store)) {
            assertThat(s.study("t").torch().timeoutSeconds()).isEqualTo(90);
        }
        StudyCliTest.Result status = StudyCliTest.run("study", "status", "t", "--store", store);
        assertThat(status.out()).contains("torch engine on cpu, batches killed after 90 s");
        StudyCliTest.Result unknown = StudyCliTest.run("study", "create", "u", "--workload", "fmnist_mlp-tiny", "--protocol",
                "lr-only", "--optimizers", "sgd,lion", "--trials", "1", "--engine", "torch", "--store", store);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("not one of the torch engine's").contains("--optimizer-class lion=");
    }

    @Test
    void workloadsListEachWorkloadsEngines() {
        StudyCliTest.Result r = StudyCliTest.run("workloads");
        assertThat(r.out()).containsPattern("fmnist_mlp-tiny .* djl,torch ").containsPattern("cifar10_resnet32 .* torch ");
    }
}
