package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rerun after a SIGKILL says which trials wait on the dead worker's lease, once and as that changes. */
class LeaseWatchTest {
    @TempDir Path dir;

    @Test
    void theStoreReportsWhoHoldsEachRunningTrialAndForHowLong() {
        try (SqlStudyStore s = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            s.createStudy(StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "st", "fmnist_mlp-tiny", "full", List.of("sgd", "adam"), 2, 1, null, null));
            assertThat(s.claim("st", "deadhost:4242-1", 60_000)).isPresent(); // a worker that will never come back
            List<Lease> leases = s.leases("st");
            assertThat(leases).hasSize(1);
            Lease l = leases.get(0);
            assertThat(l.worker()).isEqualTo("deadhost:4242-1");
            assertThat(l.optimizer()).isIn("sgd", "adam");
            assertThat(l.remainingMillis()).isBetween(1L, 60_000L);
        }
    }

    @Test
    void oneLineWhenTheRunWaitsOnAnotherWorkerAndAgainOnlyWhenThatChanges() {
        LeaseWatch w = new LeaseWatch(Set.of("me:1-1", "me:1-2"));
        Lease dead = new Lease("adam", 7, "host:1234-1", 51_200);
        Lease mine = new Lease("sgd", 3, "me:1-1", 60_000);
        assertThat(w.update(2, List.of(dead, mine))).isNull(); // trials to claim: nothing waits yet
        assertThat(w.update(0, List.of(dead, mine))).isEqualTo("optbench: waiting for adam#7, held by host:1234-1 whose lease"
                + " ends in 52 s (if that worker is gone, its trials run here once the lease ends)");
        assertThat(w.update(0, List.of(new Lease("adam", 7, "host:1234-1", 50_000), mine))).isNull(); // same wait: said already
        assertThat(w.update(0, List.of(mine))).isNull(); // the lease ended and a worker of ours took it
        assertThat(w.update(0, List.of(new Lease("adam", 7, "host:1234-1", -5), new Lease("nadam", 1, null, 3000),
                new Lease("sgd", 8, "x:2-1", 9000), new Lease("sgd", 9, "x:2-1", 9000)))).isEqualTo("optbench: waiting for"
                + " adam#7, held by host:1234-1 whose lease has ended (it is reclaimed at the next claim);"
                + " nadam#1, held by an unknown worker whose lease ends in 3 s; sgd#8, held by x:2-1 whose lease ends in 9 s;"
                + " and 1 more (if that worker is gone, its trials run here once the lease ends)");
    }
}
