package dev.optbench.cli;

import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StoreUrl;
import dev.optbench.study.StudyStores;
import picocli.CommandLine.Option;

/** --store URL, shared by every command that touches the study store. */
final class StoreOption {
    @Option(names = "--store", paramLabel = "URL",
            description = "Study store: sqlite:PATH, postgresql://host:port/db?user=..&password=.., or jdbc:...; "
                    + "default $OPTBENCH_STORE, else sqlite:optbench.db")
    String store;

    String url() {
        return StoreUrl.resolve(store);
    }

    /** Opens the store, creating it if new (study create, bench store). */
    SqlStudyStore openOrCreate() {
        return StudyStores.open(url());
    }

    /** Opens an existing store: a missing SQLite file is an error, not a new empty store. */
    SqlStudyStore open() {
        return StudyStores.openExisting(url());
    }

    /** Opens an existing store to read only (studies, status, analyze, report, export): read-only SQLite files work. */
    SqlStudyStore openForReading() {
        return StudyStores.openForReading(url());
    }
}
