package dev.optbench.study;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh store for every test; subclasses say which kind (SQLite file, PostgreSQL schema). */
abstract class StoreFixture {
    protected String url;

    abstract String newStoreUrl();

    void cleanUp() {}

    @BeforeEach
    void open() {
        url = newStoreUrl();
    }

    @AfterEach
    void close() {
        cleanUp();
    }
}
