package dev.optbench.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process, from /proc/self/status (Linux). */
public final class NativeMemory {
    private NativeMemory() {}

    /**
     * VmRSS in KiB after a full garbage collection, so that direct buffers DJL hands out for
     * reading results (freed only when their Java owners are collected) do not count: what is
     * left is memory actually retained. -1 where /proc is not available.
     */
    public static long retainedKiB() {
        System.gc();
        return residentKiB();
    }

    /** VmRSS in KiB, or -1 where /proc is not available. */
    public static long residentKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
