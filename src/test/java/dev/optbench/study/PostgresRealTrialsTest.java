package dev.optbench.study;

class PostgresRealTrialsTest extends RealTrialsContract {
    @Override
    String newStoreUrl() {
        return TestStores.postgresFreshSchema();
    }

    @Override
    void cleanUp() {
        TestStores.dropSchema(url);
    }
}
