package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import dev.optbench.space.Sampler;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The same behaviour checked on SQLite and on PostgreSQL (subclasses give the URL). */
abstract class StoreContract extends StoreFixture {

    static StudyDefinition definition(String name, List<String> optimizers, int trials) {
        Map<String, String> spaces = new java.util.HashMap<>();
        for (String o : optimizers) {
            // lr-only's range, capped at 1 so that gradient descent on the test quadratic stays stable
            spaces.put(o, "{\"learning_rate\": {\"min\": 1e-5, \"max\": 1.0, \"scaling\": \"log\"}}");
        }
        return new StudyDefinition(name, "quadratic", "lr-only", optimizers, trials, 17, Sampler.HALTON.id(),
                spaces, Instant.ofEpochMilli(1_700_000_000_000L));
    }

    @Test
    void createdStudyReadsBackWithItsPlannedTrials() {
        try (SqlStudyStore store = StudyStores.open(url)) {
            StudyDefinition def = definition("s1", List.of("sgd", "adam"), 3);
            store.createStudy(def);
            assertThat(store.study("s1")).isEqualTo(def);
            assertThat(store.studies()).containsExactly(def);
            List<Trial> trials = store.trials("s1", false);
            assertThat(trials).extracting(t -> t.optimizer() + "#" + t.index())
                    .containsExactly("adam#0", "adam#1", "adam#2", "sgd#0", "sgd#1", "sgd#2");
            assertThat(trials).allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.PENDING));
            List<Trial> planned = StudyPlan.pendingTrials(def, dev.optbench.optim.OptimizerRegistry.BUILT_IN);
            for (Trial t : trials) {
                Trial p = planned.stream().filter(x -> x.optimizer().equals(t.optimizer()) && x.index() == t.index())
                        .findFirst().orElseThrow();
                assertThat(t.searched()).isEqualTo(p.searched());
                assertThat(t.hparams()).isEqualTo(p.hparams());
                assertThat(t.seed()).isEqualTo(p.seed());
            }
            assertThat(trials.get(4).hparams()).containsOnlyKeys("learning_rate");
            assertThat(trials.get(0).hparams()).containsEntry("beta1", 0.9).containsEntry("beta2", 0.999)
                    .containsEntry("epsilon", 1e-8).containsKey("learning_rate");
        }
    }

    @Test
    void unknownAndDuplicateStudiesAreInputErrorsThatChangeNothing() {
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(definition("s1", List.of("sgd"), 2));
            String before = store.dump();
            assertThatThrownBy(() -> store.study("nope")).isInstanceOf(InputException.class)
                    .hasMessage("unknown study 'nope' (list studies with 'optbench studies')");
            assertThatThrownBy(() -> store.createStudy(definition("s1", List.of("adam"), 5)))
                    .isInstanceOf(InputException.class).hasMessageContaining("study 's1' already exists");
            assertThatThrownBy(() -> store.counts("nope")).isInstanceOf(InputException.class);
            assertThat(store.dump()).isEqualTo(before);
        }
    }

    @Test
    void threeWorkersRunEveryTrialExactlyOnce() throws Exception {
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(definition("race", List.of("sgd", "momentum"), 6));
        }
        QuadraticRunner runner = QuadraticRunner.held(40);
        List<Thread> threads = new ArrayList<>();
        List<SqlStudyStore> stores = new ArrayList<>();
        AtomicInteger stored = new AtomicInteger();
        for (int w = 0; w < 3; w++) {
            SqlStudyStore s = StudyStores.open(url);
            stores.add(s);
            Worker worker = new Worker(s, runner, "race", "test:w" + w, 5_000, new Worker.Listener() {});
            Thread t = new Thread(() -> stored.addAndGet(worker.run()));
            threads.add(t);
            t.start();
        }
        assertThat(runner.started.tryAcquire(3, 60, TimeUnit.SECONDS)).as("each worker holds a trial").isTrue();
        runner.let(12);
        for (Thread t : threads) {
            t.join(60_000);
        }
        stores.forEach(SqlStudyStore::close);
        assertThat(stored.get()).isEqualTo(12);
        assertThat(runner.starts).hasSize(12).allSatisfy((k, v) -> assertThat(v.get()).as(k).isEqualTo(1));
        try (SqlStudyStore store = StudyStores.open(url)) {
            List<Trial> trials = store.trials("race", true);
            assertThat(trials).hasSize(12).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
                assertThat(t.curve()).hasSize(24);
                assertThat(t.steps()).isEqualTo(40);
                assertThat(t.validationError()).isEqualTo(t.curve().get(22).error());
                assertThat(t.provenance()).containsKeys("optbench_version", "git_commit", "workload", "host", "worker");
            });
            Set<String> workers = new HashSet<>();
            trials.forEach(t -> workers.add(t.worker()));
            assertThat(workers).hasSize(3);
            assertThat(store.counts("race").get("sgd")).containsEntry(TrialState.COMPLETED, 6).containsEntry(TrialState.PENDING, 0);
        }
    }

    @Test
    void expiredLeaseGoesBackToPendingAndTheOldHolderCanNoLongerFinish() throws Exception {
        try (SqlStudyStore a = StudyStores.open(url); SqlStudyStore b = StudyStores.open(url)) {
            a.createStudy(definition("lease", List.of("sgd"), 1));
            Claim first = a.claim("lease", "A", 1500).orElseThrow();
            assertThat(first.attempt()).isEqualTo(1);
            assertThat(b.claim("lease", "B", 1500)).isEmpty(); // held
            assertThat(a.renew(first, -60_000)).isTrue(); // now expired a minute ago
            Claim second = b.claim("lease", "B", 10_000).orElseThrow(); // expired → pending → B's
            assertThat(second.attempt()).isEqualTo(2);
            assertThat(second.index()).isEqualTo(first.index());
            assertThat(a.renew(first, 300)).isFalse();
            assertThat(a.complete(first, TrialState.COMPLETED, 1, 0.1, 0.3, 0.4, null, Map.of(), List.of())).isFalse();
            assertThat(a.release(first)).isFalse();
            assertThat(a.fail(first, "x", Map.of())).isFalse();
            List<Measurement> curve = List.of(new Measurement(5, Split.TRAIN, 0.7, Double.NaN),
                    new Measurement(5, Split.VALIDATION, 0.6, 0.25), new Measurement(5, Split.TEST, Double.POSITIVE_INFINITY, 0.5));
            assertThat(b.complete(second, TrialState.COMPLETED, 5, 0.2, 0.25, 0.5, 5.0, Map.of("host", "h"), curve)).isTrue();
            assertThat(b.complete(second, TrialState.COMPLETED, 5, 0.2, 0.25, 0.5, 5.0, Map.of(), curve)).isFalse();
            Trial t = a.trials("lease", true).get(0);
            assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(t.worker()).isEqualTo("B");
            assertThat(t.validationError()).isEqualTo(0.25);
            assertThat(t.stepsToTarget()).isEqualTo(5.0);
            assertThat(t.curve()).hasSize(3);
            assertThat(t.curve().get(0).error()).isNaN();
            assertThat(t.curve().get(2).loss()).isInfinite();
            assertThat(a.claim("lease", "A", 300)).isEmpty(); // a finished trial is never claimed again
            assertThat(a.unfinished("lease")).isZero();
        }
    }

    @Test
    void progressIsStoredOnlyWhileHeldAndEachMeasurementEndsUpStoredOnce() {
        List<Measurement> at5 = List.of(new Measurement(5, Split.TRAIN, 0.9, Double.NaN),
                new Measurement(5, Split.VALIDATION, 0.8, 0.4));
        List<Measurement> at10 = List.of(new Measurement(10, Split.VALIDATION, 0.6, 0.3));
        try (SqlStudyStore a = StudyStores.open(url); SqlStudyStore b = StudyStores.open(url)) {
            a.createStudy(definition("live", List.of("sgd"), 2));
            Claim first = a.claim("live", "A", 60_000).orElseThrow();
            assertThat(a.recordProgress(first, at5)).isTrue();
            assertThat(a.recordProgress(first, at5)).isTrue(); // a batch stored again (a retried commit) is stored once
            assertThat(a.recordProgress(first, at10)).isTrue();
            assertThat(b.curve("live", "sgd", first.index())).containsExactly(at5.get(0), at5.get(1), at10.get(0));
            // analyses read only trials that ended: a running trial has no curve there
            assertThat(b.trials("live", true).get(first.index()).curve()).isEmpty();

            // its lease expires and B takes the trial: A may no longer write, and B starts from nothing
            assertThat(a.renew(first, -60_000)).isTrue();
            Claim second = b.claim("live", "B", 60_000).orElseThrow();
            assertThat(second.index()).isEqualTo(first.index());
            assertThat(b.curve("live", "sgd", second.index())).isEmpty();
            assertThat(a.recordProgress(first, at10)).isFalse();
            assertThat(b.curve("live", "sgd", second.index())).isEmpty();

            assertThat(b.recordProgress(second, at5)).isTrue();
            List<Measurement> whole = new ArrayList<>(at5);
            whole.addAll(at10);
            assertThat(b.complete(second, TrialState.COMPLETED, 10, 0.1, 0.3, 0.5, null, Map.of(), whole)).isTrue();
            assertThat(a.curve("live", "sgd", second.index())).containsExactlyElementsOf(whole);
            assertThat(a.trials("live", true).get(second.index()).curve()).containsExactlyElementsOf(whole);
            assertThat(b.recordProgress(second, at10)).isFalse(); // finished: no more progress

            // a failed trial keeps no curve (as before), and a released one keeps no progress
            Claim other = a.claim("live", "A", 60_000).orElseThrow();
            assertThat(a.recordProgress(other, at5)).isTrue();
            assertThat(a.release(other)).isTrue();
            assertThat(a.curve("live", "sgd", other.index())).isEmpty();
            Claim again = a.claim("live", "A", 60_000).orElseThrow();
            assertThat(a.recordProgress(again, at5)).isTrue();
            assertThat(a.fail(again, "broke", Map.of())).isTrue();
            assertThat(a.curve("live", "sgd", again.index())).isEmpty();
        }
    }

    @Test
    void stoppingAWorkerReleasesItsRunningTrial() throws Exception {
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(definition("stop", List.of("adam"), 1));
            QuadraticRunner slow = QuadraticRunner.held(10_000);
            Worker worker = new Worker(store, slow, "stop", "W", 2_000, new Worker.Listener() {});
            Thread t = new Thread(worker::run);
            t.start();
            assertThat(slow.started.tryAcquire(60, TimeUnit.SECONDS)).isTrue();
            assertThat(store.counts("stop").get("adam").get(TrialState.RUNNING)).isEqualTo(1);
            worker.stop();
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
            Trial trial = store.trials("stop", false).get(0);
            assertThat(trial.state()).isEqualTo(TrialState.PENDING);
            assertThat(trial.worker()).isNull();
            assertThat(slow.starts.get("adam#0").get()).isEqualTo(1);
            assertThat(slow.runs).isEmpty(); // cancelled, not finished
        }
    }

    @Test
    void interruptingTheWorkerThreadReleasesItsTrialAndEndsTheWorker() throws Exception {
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(definition("intr", List.of("sgd"), 1));
            QuadraticRunner held = QuadraticRunner.held(10_000);
            Worker worker = new Worker(store, held, "intr", "W", 5_000, new Worker.Listener() {});
            Thread t = new Thread(worker::run);
            t.start();
            assertThat(held.started.tryAcquire(60, TimeUnit.SECONDS)).isTrue();
            assertThat(store.counts("intr").get("sgd").get(TrialState.RUNNING)).isEqualTo(1);
            t.interrupt();
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(worker.isDone()).isTrue();
            assertThat(store.trials("intr", false).get(0).state()).isEqualTo(TrialState.PENDING);
        }
    }

    @Test
    void importIsAllOrNothing() {
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(definition("imp", List.of("sgd"), 2));
            Claim c = store.claim("imp", "W", 10_000).orElseThrow();
            store.complete(c, TrialState.COMPLETED, 10, 1.0, 0.2, 0.3, null, Map.of(), List.of());
            String before = store.dump();
            Trial ok = new Trial("elsewhere", "sgd", 1, TrialState.DIVERGED, Map.of("learning_rate", 9.0),
                    Map.of("learning_rate", 9.0), 5, "other", null, null, 3, 0.5, 1.0, 1.0, null, Map.of(), null,
                    List.of(new Measurement(3, Split.VALIDATION, 1e9, 1.0)));
            Trial clash = new Trial("elsewhere", "sgd", 0, TrialState.COMPLETED, Map.of(), Map.of(), 5, "other",
                    null, null, 3, 0.5, 0.1, 0.1, null, Map.of(), null, List.of());
            assertThatThrownBy(() -> store.importTrials("imp", List.of(ok, clash)))
                    .isInstanceOf(InputException.class).hasMessageContaining("already has trial sgd#0 (completed)");
            assertThat(store.dump()).isEqualTo(before);
            Trial extra = new Trial("elsewhere", "adam", 0, TrialState.COMPLETED, Map.of(), Map.of("learning_rate", 1e-3),
                    7, "other", null, null, 3, 0.5, 0.1, 0.15, 3.0, Map.of("source", "paper"), null, List.of());
            store.importTrials("imp", List.of(ok, extra));
            List<Trial> trials = store.trials("imp", true);
            assertThat(trials).extracting(t -> t.optimizer() + "#" + t.index() + ":" + t.state().id())
                    .containsExactly("adam#0:completed", "sgd#0:completed", "sgd#1:diverged");
            assertThat(trials.get(2).curve()).containsExactly(new Measurement(3, Split.VALIDATION, 1e9, 1.0));
            assertThat(trials.get(0).provenance()).containsEntry("source", "paper");
            assertThatThrownBy(() -> store.importTrials("nope", List.of())).hasMessageContaining("unknown study 'nope'");
        }
    }

    @Test
    void manyWorkersOpeningAFreshStoreAtOnceAllSucceed() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 6; i++) {
            Thread t = new Thread(() -> {
                try (SqlStudyStore s = StudyStores.open(url)) {
                    s.studies();
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(errors).isEmpty();
        try (SqlStudyStore s = StudyStores.open(url)) {
            assertThat(s.dump()).isEqualTo("{version=" + Schema.latest() + "}\n");
        }
    }

    @Test
    void aStoreFromANewerOptbenchIsRefusedUntouched() throws Exception {
        try (SqlStudyStore s = StudyStores.open(url)) {
            s.createStudy(definition("old", List.of("sgd"), 1));
        }
        StoreUrl u = StoreUrl.parse(url);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(u.jdbcUrl()); java.sql.Statement st = c.createStatement()) {
            st.execute("UPDATE schema_version SET version = " + (Schema.latest() + 1));
        }
        assertThatThrownBy(() -> StudyStores.open(url)).isInstanceOf(InputException.class)
                .hasMessageContaining("schema version " + (Schema.latest() + 1)).hasMessageContaining("upgrade optbench");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(u.jdbcUrl()); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM trials")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void reopeningKeepsDataAndSchemaVersion() {
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(definition("keep", List.of("sgd"), 2));
            Optional<Claim> c = store.claim(null, "W", 10_000);
            assertThat(c).isPresent();
        }
        try (SqlStudyStore store = StudyStores.open(url)) {
            assertThat(store.dump()).startsWith("{version=" + Schema.latest() + "}\n");
            assertThat(store.counts("keep").get("sgd")).containsEntry(TrialState.RUNNING, 1).containsEntry(TrialState.PENDING, 1);
            assertThat(store.deleteStudy("keep")).isTrue();
            assertThat(store.studies()).isEmpty();
            assertThat(store.dump()).isEqualTo("{version=" + Schema.latest() + "}\n");
        }
    }
}
