package dev.optbench.bench;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import dev.optbench.analysis.TrialCsv;
import dev.optbench.serve.DashboardData;
import dev.optbench.serve.DashboardServer;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudyStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency of the dashboard's pages and /api/ on a store with many trials: two finished studies
 * of synthetic trials with curves (five optimizers each) and one small study with pending and
 * running trials, served over loopback and read with the JDK's HTTP client. Each page is read
 * once cold (its caches empty), then {@code repeats} times; the median and the 90th percentile
 * are of those repeats.
 */
public final class DashboardBenchmark {
    private DashboardBenchmark() {}

    /** One page's timings in milliseconds. */
    public record Page(String path, double coldMillis, double medianMillis, double p90Millis, int bytes) {}

    public record Result(int trials, double setupSeconds, List<Page> pages) {}

    private static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "nesterov", "adam", "nadam");
    private static final String SPACE = "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"}}";
    private static final int LIVE_TRIALS = 50;

    /** Builds the store at {@code file} (a new SQLite file) with {@code trials} trials in all, serves it, times it. */
    public static Result run(Path file, int trials, int repeats, AnalysisOptions options) throws Exception {
        int perOptimizer = Math.max(1, (trials - 2 * LIVE_TRIALS) / (2 * OPTIMIZERS.size()));
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
                    LIVE_TRIALS, 1, "halton", Map.of("sgd", SPACE, "adam", SPACE), Instant.now()));
            for (int i = 0; i < 8; i++) {
                writer.claim("bench-live", "bench-worker-" + (i % 2), 3_600_000);
            }
            total = 2 * OPTIMIZERS.size() * perOptimizer + 2 * LIVE_TRIALS;
        }
        double setup = (System.nanoTime() - t0) / 1e9;
        try (SqlStudyStore reader = StudyStores.openReadOnly(url);
                DashboardServer server = DashboardServer.start(new DashboardData(reader, options, Clock.systemUTC()), url,
                        DashboardServer.LOOPBACK, 0)) {
            HttpClient http = HttpClient.newHttpClient();
            String both = "study=bench-full&study=bench-lr-only";
            Map<String, String> paths = new LinkedHashMap<>();
            paths.put("page", "/");
            paths.put("studies", "/api/studies");
            paths.put("study", "/api/study?name=bench-full");
            paths.put("trials", "/api/trials?study=bench-full&offset=2000&limit=100");
            paths.put("curve", "/api/curve?study=bench-full&optimizer=adam&index=7");
            paths.put("live", "/api/live?study=bench-live");
            paths.put("analysis", "/api/analysis?" + both);
            paths.put("figures", "/api/figures?" + both);
            paths.put("report", "/report?" + both);
            paths.put("script", "/static/dashboard.js");
            List<Page> pages = new ArrayList<>();
            String figure = null;
            for (String path : paths.values()) {
                pages.add(time(http, server, path, repeats));
                if (path.startsWith("/api/figures")) {
                    Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(get(http, server, path).body());
                    figure = m.find() ? m.group(1) : null;
                }
            }
            if (figure != null) {
                pages.add(time(http, server, "/figure?" + both + "&id=" + figure, repeats));
            }
            return new Result(total, setup, pages);
        }
    }

    private static Page time(HttpClient http, DashboardServer server, String path, int repeats) throws Exception {
        long c0 = System.nanoTime();
        int bytes = get(http, server, path).body().length();
        double cold = (System.nanoTime() - c0) / 1e6;
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long s = System.nanoTime();
            get(http, server, path);
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        return new Page(path, cold, quantile(ms, 0.5), quantile(ms, 0.9), bytes);
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
