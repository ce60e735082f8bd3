package dev.optbench.bench;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import dev.optbench.analysis.TrialCsv;
import dev.optbench.serve.DashboardData;
import dev.optbench.serve.DashboardServer;
import dev.optbench.study.Claim;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudyStores;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency of the dashboard's pages and /api/ on a store with many trials: half of them in two
 * finished studies of synthetic trials with curves (five optimizers each), half in a running
 * study, served over loopback and read with the JDK's HTTP client. Each page is read once cold
 * (its caches empty), then {@code repeats} times; the median and the 90th percentile are of
 * those repeats. The running study's pages are also timed right after a change (a trial
 * finishes and the next starts before every read), which is what a polling browser sees.
 */
public final class DashboardBenchmark {
    private DashboardBenchmark() {}

    /** One page's timings in milliseconds. */
    public record Page(String path, boolean afterChange, double coldMillis, double medianMillis, double p90Millis, int bytes) {}

    public record Result(int trials, double setupSeconds, List<Page> pages) {}

    private static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "nesterov", "adam", "nadam");
    private static final List<Measurement> CURVE = List.of(new Measurement(50, Split.VALIDATION, 0.8, 0.3),
            new Measurement(100, Split.VALIDATION, 0.5, 0.2), new Measurement(100, Split.TEST, 0.55, 0.21));
    private static final String SPACE = "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"}}";

    /** Builds the store at {@code file} (a new SQLite file) with {@code trials} trials in all, serves it, times it. */
    public static Result run(Path file, int trials, int repeats, AnalysisOptions options) throws Exception {
        int perOptimizer = Math.max(1, trials / 2 / (2 * OPTIMIZERS.size()));
        int live = Math.max(20, (trials - 2 * OPTIMIZERS.size() * perOptimizer) / 2);
        long t0 = System.nanoTime();
        String url = "sqlite:" + file;
        int total;
        try (SqlStudyStore writer = StudyStores.open(url)) {
            for (String protocol : List.of("full", "lr-only")) {
                StudyData syn = SyntheticStudies.study("bench-" + protocol, "fmnist_mlp", protocol, OPTIMIZERS, perOptimizer, 11);
                StudyDefinition d = syn.definition();
                writer.createStudy(new StudyDefinition(d.name(), d.workload(), d.protocol(), d.optimizers(), perOptimizer, 0,
                        TrialCsv.SAMPLER, d.spaces(), d.created()));
                writer.importTrials(d.name(), syn.trials());
            }
            writer.createStudy(new StudyDefinition("bench-live", "fmnist_mlp-tiny", "lr-only", List.of("sgd", "adam"),
                    live, 1, "halton", Map.of("sgd", SPACE, "adam", SPACE), Instant.now()));
            total = 2 * OPTIMIZERS.size() * perOptimizer + 2 * live;
        }
        double setup = (System.nanoTime() - t0) / 1e9;
        try (SqlStudyStore writer = StudyStores.open(url); SqlStudyStore reader = StudyStores.openReadOnly(url);
                DashboardServer server = DashboardServer.start(new DashboardData(reader, options, Clock.systemUTC()), url,
                        DashboardServer.LOOPBACK, 0)) {
            ArrayDeque<Claim> running = new ArrayDeque<>();
            for (int i = 0; i < 8; i++) {
                running.add(writer.claim("bench-live", "bench-worker-" + (i % 2), 3_600_000).orElseThrow());
            }
            Runnable change = () -> { // the oldest running trial finishes, the next pending one starts
                Claim done = running.poll();
                writer.complete(done, TrialState.COMPLETED, 100, 2.5, 0.2, 0.21, null, Map.of(), CURVE);
                writer.claim("bench-live", done.worker(), 3_600_000).ifPresent(running::add);
            };
            HttpClient http = HttpClient.newHttpClient();
            String both = "study=bench-full&study=bench-lr-only";
            Map<String, String> paths = new LinkedHashMap<>();
            paths.put("page", "/");
            paths.put("studies", "/api/studies");
            paths.put("study", "/api/study?name=bench-full");
            paths.put("trials", "/api/trials?study=bench-full&offset=2000&limit=100");
            paths.put("curve", "/api/curve?study=bench-full&optimizer=adam&index=7");
            paths.put("live", "/api/live?study=bench-live");
            paths.put("live study", "/api/study?name=bench-live");
            paths.put("analysis", "/api/analysis?" + both);
            paths.put("figures", "/api/figures?" + both);
            paths.put("report", "/report?" + both);
            paths.put("script", "/static/dashboard.js");
            List<Page> pages = new ArrayList<>();
            String figure = null;
            for (String path : paths.values()) {
                pages.add(time(http, server, path, repeats, null));
                if (path.startsWith("/api/figures")) {
                    Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(get(http, server, path).body());
                    figure = m.find() ? m.group(1) : null;
                }
            }
            if (figure != null) {
                pages.add(time(http, server, "/figure?" + both + "&id=" + figure, repeats, null));
            }
            for (String path : List.of("/", "/api/studies", "/api/study?name=bench-live", "/api/live?study=bench-live",
                    "/api/trials?study=bench-live&state=running")) {
                pages.add(time(http, server, path, repeats, change));
            }
            return new Result(total, setup, pages);
        }
    }

    private static Page time(HttpClient http, DashboardServer server, String path, int repeats, Runnable change)
            throws Exception {
        if (change != null) {
            change.run();
        }
        long c0 = System.nanoTime();
        int bytes = get(http, server, path).body().length();
        double cold = (System.nanoTime() - c0) / 1e6;
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            if (change != null) {
                change.run();
            }
            long s = System.nanoTime();
            get(http, server, path);
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        return new Page(path, change != null, cold, quantile(ms, 0.5), quantile(ms, 0.9), bytes);
    }

    /** Type-1 quantile (the smallest value with at least p of the values at or below it). */
    static double quantile(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static HttpResponse<String> get(HttpClient http, DashboardServer server, String path)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.uri().toString().replaceAll("/$", "") + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }
}
