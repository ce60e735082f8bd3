package dev.optbench.cli;

import picocli.CommandLine.Option;

/** --device cpu|gpu, shared by every command that trains. */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or gpu (gpu needs the build with -Pcuda; default ${DEFAULT-VALUE}).")
    String device = "cpu";

    /** The device name, checked now: "gpu" without a visible GPU is an input error before any trial is claimed. */
    String checked() {
        dev.optbench.train.Trainer.device(device);
        return device;
    }
}
