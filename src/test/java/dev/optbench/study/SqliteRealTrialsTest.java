package dev.optbench.study;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteRealTrialsTest extends RealTrialsContract {
    @TempDir Path dir;

    @Override
    String newStoreUrl() {
        return TestStores.sqlite(dir);
    }
}
