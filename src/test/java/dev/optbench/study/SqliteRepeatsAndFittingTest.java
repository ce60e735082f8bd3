package dev.optbench.study;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteRepeatsAndFittingTest extends RepeatsAndFittingContract {
    @TempDir Path dir;

    @Override
    String newStoreUrl() {
        return TestStores.sqlite(dir);
    }
}
