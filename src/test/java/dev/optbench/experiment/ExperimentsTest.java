package dev.optbench.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import dev.optbench.optim.Optimizers;
import dev.optbench.space.Protocol;
import dev.optbench.workload.Workloads;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentsTest {
    @Test
    void protocolsFmnistPlansEachProtocolOnEachWorkloadWithEqualBudgets() {
        Experiment e = Experiments.get("protocols-fmnist");
        assertThat(e.optimizers()).containsExactly("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam");
        List<PlannedStudy> tiny = e.plan(Scale.TINY);
        assertThat(tiny).extracting(PlannedStudy::studyName).containsExactly(
                "protocols-fmnist.tiny.fmnist_mlp-tiny.lr-only", "protocols-fmnist.tiny.fmnist_mlp-tiny.full",
                "protocols-fmnist.tiny.fmnist_mlp-tiny.fitted");
        assertThat(tiny).extracting(PlannedStudy::trialsPerOptimizer).containsOnly(8);
        assertThat(e.plan(Scale.CPU)).extracting(PlannedStudy::workload).containsOnly("fmnist_mlp");
        assertThat(e.plan(Scale.CPU)).extracting(PlannedStudy::trialsPerOptimizer).containsOnly(10);
        List<PlannedStudy> paper = e.plan(Scale.PAPER);
        assertThat(paper).hasSize(6);
        assertThat(paper).extracting(PlannedStudy::workload)
                .containsExactly("fmnist_2c2d", "fmnist_2c2d", "fmnist_2c2d", "fmnist_mlp", "fmnist_mlp", "fmnist_mlp");
        assertThat(paper).extracting(PlannedStudy::protocol)
                .containsExactly("lr-only", "full", "fitted", "lr-only", "full", "fitted");
        assertThat(paper).extracting(PlannedStudy::seed).containsOnly(Experiment.SEED);
    }

    @Test
    void everyExperimentNamesKnownWorkloadsProtocolsAndOptimizersAtEveryScale() {
        for (Experiment e : Experiments.all()) {
            assertThat(Optimizers.names()).containsAll(e.optimizers());
            for (String p : e.protocols()) {
                assertThat(Protocol.fromId(p).id()).isEqualTo(p);
            }
            for (Scale s : Scale.values()) {
                List<PlannedStudy> plans = e.plan(s);
                assertThat(plans).hasSize(e.settings(s).workloads().size() * e.protocols().size());
                for (PlannedStudy p : plans) {
                    assertThat(Workloads.get(p.workload()).name()).isEqualTo(p.workload());
                    assertThat(p.optimizers()).isEqualTo(e.optimizers());
                    assertThat(p.studyName()).isEqualTo(e.name() + "." + s.id() + "." + p.workload() + "." + p.protocol());
                }
                // tiny and cpu runs must be practical without a GPU
                if (s != Scale.PAPER) {
                    assertThat(plans).allSatisfy(p -> assertThat(Workloads.get(p.workload()).gpuOnly()).isFalse());
                }
            }
        }
    }

    @Test
    void theOtherExperimentsCompareTheProtocolsOfTheirPapers() {
        assertThat(Experiments.get("deepobs-cifar100").protocols()).containsExactly("lr-only", "lr-schedule", "full");
        assertThat(Experiments.get("deepobs-cifar100").settings(Scale.PAPER).workloads()).containsExactly("cifar100_3c3d");
        assertThat(Experiments.get("wilson-vgg").protocols()).containsExactly("lr-grid", "full");
        assertThat(Experiments.get("wilson-vgg").settings(Scale.PAPER).workloads()).containsExactly("cifar10_vgg16");
        assertThat(Experiments.get("char-lstm").settings(Scale.PAPER).workloads()).containsExactly("char_lstm");
    }

    @Test
    void unknownNamesAreInputErrors() {
        assertThatThrownBy(() -> Experiments.get("nope")).isInstanceOf(InputException.class)
                .hasMessageContaining("unknown experiment 'nope'").hasMessageContaining("protocols-fmnist");
        assertThatThrownBy(() -> Scale.fromId("huge")).isInstanceOf(InputException.class)
                .hasMessageContaining("tiny, cpu, paper");
    }
}
