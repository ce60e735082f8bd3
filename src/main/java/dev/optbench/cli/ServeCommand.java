package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.serve.DashboardData;
import dev.optbench.serve.DashboardServer;
import dev.optbench.study.Dialect;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StoreRetry;
import dev.optbench.study.StudyStores;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"A live, read-only web dashboard of the store: studies with progress and ETA, running trials "
                + "and their curves, the report's figures for one study or several, and JSON under /api/ "
                + "(docs/dashboard.md). Runs until Ctrl-C.",
            "Binds to loopback unless --host says otherwise; it has no authentication, so another host exposes "
                + "every study to whoever can reach it."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = DashboardServer.LOOPBACK, paramLabel = "HOST",
            description = "Address to bind (default ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "Port (default ${DEFAULT-VALUE}; 0: any free one).")
    int port;

    @Mixin AnalysisOptionsMixin analysis;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new InputException("--port must be between 0 and 65535, not " + port);
        }
        var options = analysis.options();
        try {
            java.net.InetAddress.getAllByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new InputException("unknown host '" + host + "' (give an address of this machine, e.g. 127.0.0.1 or 0.0.0.0)");
        }
        try (SqlStudyStore s = StudyStores.openReadOnly(store.url())) {
            if (s.dialect() == Dialect.POSTGRESQL) { // a restarted server: reconnect (read-only again) within 10 s, else 503
                s.retrying(new StoreRetry(10_000, spec.commandLine().getErr()::println));
            }
            if (!DashboardServer.isLoopback(host)) {
                spec.commandLine().getErr().println("warning: serving on " + host + ": the dashboard has no authentication;"
                        + " anyone who can reach this address can read every study (it is read-only)");
                spec.commandLine().getErr().flush();
            }
            DashboardServer server;
            try {
                server = DashboardServer.start(new DashboardData(s, options, Clock.systemUTC()), s.url().masked(), host, port);
            } catch (IOException e) {
                throw new InputException("cannot serve on " + host + ":" + port + ": " + dev.optbench.Messages.describe(e)
                        + " (is the port in use? choose another with --port, or 0 for any free one)", null);
            }
            try (server) {
                spec.commandLine().getOut().println("serving " + s.url().masked() + " read-only at " + server.uri()
                        + " (Ctrl-C stops)");
                spec.commandLine().getOut().flush();
                server.join();
            }
        }
        return 0;
    }
}
