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

    /** The device name, checked now: "gpu" without a visible GPU is an input error before any trial is claimed. */
    String checkedDevice() {
        dev.optbench.train.Trainer.device(device);
        return device;
    }

    long leaseMillis() {
        return Leases.millis(leaseSeconds);
    }
}
