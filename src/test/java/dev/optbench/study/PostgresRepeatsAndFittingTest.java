package dev.optbench.study;

class PostgresRepeatsAndFittingTest extends RepeatsAndFittingContract {
    @Override
    String newStoreUrl() {
        return TestStores.postgresFreshSchema();
    }

    @Override
    void cleanUp() {
        TestStores.dropSchema(url);
    }
}
