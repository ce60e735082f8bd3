package dev.optbench.study;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
    @TempDir Path dir;

    @Override
    String newStoreUrl() {
        return TestStores.sqlite(dir);
    }
}
