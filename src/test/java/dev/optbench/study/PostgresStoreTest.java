package dev.optbench.study;

class PostgresStoreTest extends StoreContract {
    @Override
    String newStoreUrl() {
        return TestStores.postgresFreshSchema();
    }

    @Override
    void cleanUp() {
        TestStores.dropSchema(url);
    }
}
