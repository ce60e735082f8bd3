package dev.optbench.bench;

import dev.optbench.study.Claim;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudyStores;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Claim + complete throughput of a store, on a throw-away study. */
public final class StoreBenchmark {
    private StoreBenchmark() {}

    public record Result(double createSeconds, double runSeconds, int completed) {}

    public static Result run(SqlStudyStore store, int trials, int workers, Consumer<Claim> onComplete) throws InterruptedException {
        String name = "bench-store-" + System.currentTimeMillis();
        String space = "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"}}";
        StudyDefinition def = new StudyDefinition(name, "fmnist_mlp-tiny", "lr-only", List.of("sgd"), trials, 1, "halton",
                Map.of("sgd", space), Instant.now());
        long t0 = System.nanoTime();
        store.createStudy(def);
        double create = (System.nanoTime() - t0) / 1e9;
        List<Measurement> curve = List.of(new Measurement(100, Split.VALIDATION, 0.5, 0.2),
                new Measurement(100, Split.TEST, 0.55, 0.21), new Measurement(100, Split.TRAIN_EVAL, 0.4, 0.1));
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        int[] done = new int[workers];
        List<Thread> threads = new ArrayList<>();
        long t1 = System.nanoTime();
        try {
            for (int w = 0; w < workers; w++) {
                int slot = w;
                SqlStudyStore own = w == 0 ? store : StudyStores.open(store.url());
                threads.add(new Thread(() -> {
                    try {
                        while (true) {
                            var c = own.claim(name, "bench-" + slot, 60_000);
                            if (c.isEmpty()) {
                                break;
                            }
                            if (own.complete(c.get(), TrialState.COMPLETED, 100, 0.01, 0.2, 0.21, null, Map.of(), curve)) {
                                done[slot]++;
                                synchronized (onComplete) {
                                    onComplete.accept(c.get());
                                }
                            }
                        }
                    } catch (RuntimeException e) {
                        error.compareAndSet(null, e);
                    } finally {
                        if (own != store) {
                            own.close();
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            double run = (System.nanoTime() - t1) / 1e9;
            if (error.get() != null) {
                throw error.get();
            }
            int total = 0;
            for (int d : done) {
                total += d;
            }
            if (total != trials) {
                throw new IllegalStateException("benchmark completed " + total + " of " + trials + " trials");
            }
            return new Result(create, run, total);
        } finally {
            store.deleteStudy(name);
        }
    }
}
