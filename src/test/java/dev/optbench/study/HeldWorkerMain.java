package dev.optbench.study;

import dev.optbench.train.TrainResult;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for tests that kill one mid-trial: each trial it claims prints
 * {@code held OPTIMIZER INDEX ATTEMPT} and then waits for ever, so the test kills it on that line,
 * never on time. Arguments: store URL, study, worker name, lease in ms, trials per batch.
 */
final class HeldWorkerMain {
    private HeldWorkerMain() {}

    public static void main(String[] args) {
        String url = args[0];
        String study = args[1];
        String name = args[2];
        long lease = Long.parseLong(args[3]);
        int batch = Integer.parseInt(args[4]);
        TrainerRunner real = new TrainerRunner(null);
        TrialRunner held = new TrialRunner() {
            @Override
            public int batchLimit(String workload) {
                return batch;
            }

            @Override
            public List<TrainResult> runBatch(List<Claim> claims) {
                claims.forEach(HeldWorkerMain::announce);
                return hold();
            }

            @Override
            public TrainResult run(Claim claim) {
                announce(claim);
                return hold();
            }

            @Override
            public String workloadDefinition(String workload) {
                return real.workloadDefinition(workload);
            }

            @Override
            public double targetError(String workload) {
                return real.targetError(workload);
            }
        };
        try (SqlStudyStore store = StudyStores.open(url)) {
            new Worker(store, held, study, name, lease, new Worker.Listener() {}).run();
        }
    }

    private static void announce(Claim c) {
        System.out.println("held " + c.optimizer() + " " + c.index() + " " + c.attempt());
        System.out.flush();
    }

    private static <T> T hold() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            throw new CancellationException("interrupted while held");
        }
        throw new AssertionError("unreachable");
    }
}
