package dev.optbench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeStderrFilterTest {
    @Test
    void dropsPyTorchWarningLinesOnly() {
        assertThat(NativeStderrFilter.isNativeWarning("[W1121 11:18:22.971214270 LegacyTypeDispatch.h:74] Warning: "
                + "AutoNonVariableTypeMode is deprecated")).isTrue();
        assertThat(NativeStderrFilter.isNativeWarning("optbench: unknown workload 'x'")).isFalse();
        assertThat(NativeStderrFilter.isNativeWarning("[E1121 11:18:22.9 x.cpp:1] an error")).isFalse();
    }
}
