package dev.optbench.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How trials run, shared by every command that runs them: study run, worker, reproduce, demo. */
final class TrialOptions {
    @Option(names = "--data-dir", description = "Where the data sets are (default: each data set's usual place).")
    Path dataDir;

    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or gpu (gpu needs the build with -Pcuda; default ${DEFAULT-VALUE}).")
    String device = "cpu";

    @Option(names = "--lease-seconds", hidden = true)
    Double leaseSeconds;

    @Option(names = "--store-retry-seconds", defaultValue = "300", paramLabel = "S",
            description = "When the store's database is unreachable, keep training and retry for up to S seconds "
                    + "before giving up (default ${DEFAULT-VALUE}).")
    double storeRetrySeconds = 300;

    /** The retry policy for the stores the trials run against; outage and recovery are reported on stderr. */
    dev.optbench.study.StoreRetry storeRetry() {
        if (!(storeRetrySeconds >= 0) || Double.isInfinite(storeRetrySeconds)) {
            throw new dev.optbench.InputException("--store-retry-seconds must be a number of seconds >= 0, not "
                    + storeRetrySeconds);
        }
        return new dev.optbench.study.StoreRetry(Math.round(storeRetrySeconds * 1000), System.err::println);
    }

    /** The device name, checked now: "gpu" without a visible GPU is an input error before any trial is claimed. */
    String checkedDevice() {
        dev.optbench.train.Trainer.device(device);
        return device;
    }

    long leaseMillis() {
        return Leases.millis(leaseSeconds);
    }
}
