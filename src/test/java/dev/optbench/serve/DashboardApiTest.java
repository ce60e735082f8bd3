package dev.optbench.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.report.Html;
import dev.optbench.study.Claim;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialTally;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's HTTP API on a store the test made: JSON, paging, figures, read-only, loopback, escaping. */
class DashboardApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;
    private DashboardFixture store;
    private DashboardServer server;

    @BeforeEach
    void start() throws Exception {
        store = new DashboardFixture(dir);
        server = DashboardServer.start(store.data(), "sqlite:dash.db", DashboardServer.LOOPBACK, 0);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        store.close();
    }

    @Test
    void studiesCarryCountsAndProgress() throws Exception {
        Claim running = store.claim("w1");
        store.complete(store.claim("w1"), 12.0, 0.3);
        JsonNode studies = get("/api/studies").get("studies");
        assertThat(studies).hasSize(2);
        JsonNode synth = studies.get(0);
        assertThat(synth.get("name").asText()).isEqualTo("synth");
        long diverged = store.synth.trials().stream().filter(t -> t.state().id().equals("diverged")).count();
        assertThat(synth.get("counts").get("diverged").asLong()).isEqualTo(diverged);
        assertThat(synth.get("counts").get("completed").asLong()).isEqualTo(12 - diverged);
        assertThat(synth.get("finished").asInt()).isEqualTo(12);
        assertThat(synth.get("etaNote").asText()).isEqualTo("done");
        JsonNode live = studies.get(1);
        assertThat(live.get("counts").get("pending").asInt()).isEqualTo(4);
        assertThat(live.get("counts").get("running").asInt()).isEqualTo(1);
        assertThat(live.get("finished").asInt()).isEqualTo(1);
        assertThat(live.get("total").asInt()).isEqualTo(6);
        assertThat(live.get("meanTrialSeconds").asDouble()).isEqualTo(12.0);
        assertThat(live.get("workers").asInt()).isEqualTo(1);

        for (String name : List.of("synth", "live")) { // two small queries give what the whole trial list gives
            assertThat(store.reader.tally(name)).isEqualTo(TrialTally.of(store.reader.trials(name, false)));
        }

        JsonNode one = get("/api/study?name=live");
        assertThat(one.get("running")).hasSize(1);
        assertThat(one.get("running").get(0).get("optimizer").asText()).isEqualTo(running.optimizer());
        assertThat(one.get("running").get(0).get("worker").asText()).isEqualTo("w1");
        assertThat(one.get("byOptimizer").get("sgd").get("best").get("validationError").asDouble()).isEqualTo(0.3);
    }

    @Test
    void trialsArePagedInOptimizerThenIndexOrder() throws Exception {
        JsonNode page = get("/api/trials?study=synth&offset=10&limit=5");
        assertThat(page.get("total").asInt()).isEqualTo(12);
        assertThat(page.get("trials")).hasSize(2);
        assertThat(page.get("trials").get(0).get("optimizer").asText()).isEqualTo("sgd"); // adam's 6 come first
        assertThat(page.get("trials").get(0).get("index").asInt()).isEqualTo(4);
        assertThat(page.get("trials").get(1).get("index").asInt()).isEqualTo(5);
        Trial stored = store.synth.trials().stream().filter(t -> t.optimizer().equals("sgd") && t.index() == 5).findFirst()
                .orElseThrow();
        assertThat(page.get("trials").get(1).get("validationError").asDouble()).isEqualTo(stored.validationError());

        JsonNode pending = get("/api/trials?study=live&state=pending&limit=1000");
        assertThat(pending.get("total").asInt()).isEqualTo(6);

        JsonNode curve = get("/api/curve?study=synth&optimizer=sgd&index=5");
        assertThat(curve.get("curve")).hasSize(stored.curve().size());
        assertThat(curve.get("curve").get(0).get("split").asText()).isEqualTo(stored.curve().get(0).split().id());

        assertThat(status("/api/trials?study=synth&limit=0")).isEqualTo(400);
        assertThat(status("/api/trials?study=synth&limit=1001")).isEqualTo(400);
        assertThat(status("/api/trials?study=synth&offset=-1")).isEqualTo(400);
        assertThat(status("/api/trials?study=synth&state=sleeping")).isEqualTo(400);
        assertThat(status("/api/trials?study=synth&limit=x")).isEqualTo(400);
        assertThat(status("/api/trials?study=nope")).isEqualTo(404);
        assertThat(status("/api/nothing")).isEqualTo(404);
    }

    @Test
    void liveViewHasRunningTrialsAndTheLatestCurves() throws Exception {
        Claim running = store.claim("w1");
        store.complete(store.claim("w2"), 3.0, 0.25);
        JsonNode live = get("/api/live?study=live");
        assertThat(live.get("running")).hasSize(1);
        assertThat(live.get("running").get(0).get("index").asInt()).isEqualTo(running.index());
        assertThat(live.get("running").get(0).get("curve")).isEmpty(); // its worker stored no evaluation yet
        assertThat(live.get("recent")).hasSize(1);
        assertThat(live.get("recent").get(0).get("curve")).hasSize(DashboardFixture.CURVE.size());
        assertThat(live.get("recent").get(0).get("curve").get(1).get("error").asDouble()).isEqualTo(0.3);
        Claim second = store.claim("w3");
        store.complete(second, 3.0, 0.22);
        try (Connection c = DriverManager.getConnection("jdbc:" + store.url); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE trials SET finished_ms = 1000 WHERE study = 'live' AND state = 'completed'");
            s.executeUpdate("UPDATE trials SET finished_ms = 2000 WHERE study = 'live' AND optimizer = '" + second.optimizer()
                    + "' AND trial_index = " + second.index());
        }
        JsonNode recent = get("/api/live?study=live").get("recent");
        assertThat(recent).hasSize(2);
        assertThat(recent.get(0).get("index").asInt()).as("latest first").isEqualTo(second.index());
        assertThat(recent.get(0).get("validationError").asDouble()).isEqualTo(0.22);
    }

    @Test
    void aRunningTrialsCurveGrowsAsItsWorkerStoresProgressAndEndsWithOneCopy() throws Exception {
        Claim running = store.claim("w1");
        String curveUrl = "/api/curve?study=live&optimizer=" + running.optimizer() + "&index=" + running.index();
        assertThat(store.writer.recordProgress(running, DashboardFixture.CURVE.subList(0, 2))).isTrue();
        JsonNode live = get("/api/live?study=live").get("running").get(0).get("curve");
        assertThat(live).hasSize(2);
        assertThat(live.get(1).get("step").asLong()).isEqualTo(50);
        assertThat(live.get(1).get("error").asDouble()).isEqualTo(0.3);
        assertThat(store.writer.recordProgress(running, DashboardFixture.CURVE.subList(2, 4))).isTrue();
        assertThat(get(curveUrl).get("curve")).hasSize(4);
        assertThat(get(curveUrl).get("curve").get(3).get("split").asText()).isEqualTo("test");
        store.complete(running, 3.0, 0.2); // the final curve replaces the progress: each point once
        assertThat(get(curveUrl).get("curve")).hasSize(DashboardFixture.CURVE.size());
        JsonNode after = get("/api/live?study=live");
        assertThat(after.get("running")).isEmpty();
        assertThat(after.get("recent").get(0).get("curve")).hasSize(DashboardFixture.CURVE.size());
    }

    @Test
    void analysisAndFiguresOfOneOrSeveralStudies() throws Exception {
        JsonNode a = get("/api/analysis?study=synth");
        double bestSgd = store.synth.trials().stream().filter(t -> t.optimizer().equals("sgd"))
                .min(Comparator.comparingDouble(Trial::validationError)).orElseThrow().validationError();
        assertThat(a.get("studies").get(0).get("study").asText()).isEqualTo("synth");
        assertThat(a.get("studies").get(0).get("optimizers").get("sgd").get("best").get("validation_error").asDouble())
                .isEqualTo(bestSgd);
        assertThat(a.get("settings").get("bootstrap").asInt()).isEqualTo(200);

        store.complete(store.claim("w1"), 1.0, 0.2);
        JsonNode both = get("/api/analysis?study=synth&study=live");
        assertThat(both.get("studies")).hasSize(2);
        assertThat(both.get("studies").get(1).get("study").asText()).isEqualTo("live");

        JsonNode figures = get("/api/figures?study=synth").get("figures");
        assertThat(figures.size()).isGreaterThan(2);
        String id = figures.get(0).get("id").asText();
        HttpResponse<byte[]> png = http.send(request("/figure?study=synth&id=" + enc(id)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("content-type")).contains("image/png");
        assertThat(png.body()).startsWith(0x89, 'P', 'N', 'G');
        assertThat(status("/figure?study=synth&id=nope")).isEqualTo(404);

        HttpResponse<String> report = http.send(request("/report?study=synth").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).contains("<h1>optbench report</h1>").contains("synth");
        assertThat(status("/api/analysis")).isEqualTo(400);
        assertThat(status("/api/analysis?study=synth&study=synth")).isEqualTo(400);
        assertThat(status("/api/analysis?" + java.util.stream.IntStream.rangeClosed(0, DashboardData.MAX_STUDIES)
                .mapToObj(i -> "study=s" + i).collect(java.util.stream.Collectors.joining("&")))).isEqualTo(400);
        assertThat(status("/api/analysis?study=nope")).isEqualTo(404);
    }

    @Test
    void onlyGetAndHeadAreAnsweredAndNothingIsWritten() throws Exception {
        String before = store.writer.dump();
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            for (String path : List.of("/", "/api/studies", "/api/study?name=live", "/report?study=synth")) {
                HttpResponse<String> r = http.send(request(path).method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(r.headers().firstValue("allow")).contains("GET, HEAD");
                assertThat(JSON.readTree(r.body()).get("error").asText()).contains("read-only");
            }
        }
        HttpResponse<String> head = http.send(request("/api/studies").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(store.writer.dump()).isEqualTo(before);
    }

    @Test
    void bindsToLoopbackAndRefusesOtherHostNames() throws Exception {
        assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(DashboardServer.isLoopback(DashboardServer.LOOPBACK)).isTrue();
        assertThat(DashboardServer.isLoopback("localhost")).isTrue();
        assertThat(DashboardServer.isLoopback("0.0.0.0")).isFalse();
        assertThat(rawStatus("localhost:" + server.port())).isEqualTo(200);
        assertThat(rawStatus("127.0.0.1:" + server.port())).isEqualTo(200);
        assertThat(rawStatus("attacker.example:" + server.port())).as("DNS rebinding").isEqualTo(403);
    }

    @Test
    void hostileNamesFromTheStoreAreEscapedInHtmlAndExactInJson() throws Exception {
        String hostile = "<img src=x onerror=alert(1)>\"'&";
        try (Connection c = DriverManager.getConnection("jdbc:" + store.url); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE trials SET study = '" + hostile.replace("'", "''") + "' WHERE study = 'live'");
            s.executeUpdate("UPDATE studies SET name = '" + hostile.replace("'", "''") + "', workload = '<b>w</b>'"
                    + " WHERE name = 'live'");
        }
        HttpResponse<String> page = http.send(request("/").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("<img src=x").doesNotContain("<b>w</b>")
                .contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;").contains("&lt;b&gt;w&lt;/b&gt;");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("script-src 'self'");
        JsonNode studies = get("/api/studies").get("studies");
        assertThat(studies.get(1).get("name").asText()).isEqualTo(hostile);
        JsonNode one = get("/api/study?name=" + enc(hostile));
        assertThat(one.get("name").asText()).isEqualTo(hostile);
        assertThat(one.get("total").asInt()).isEqualTo(6);
    }

    @Test
    void anEmptyStoreSaysHowToStart() throws Exception {
        try (var empty = dev.optbench.study.StudyStores.open("sqlite:" + dir.resolve("empty.db"));
                DashboardServer other = DashboardServer.start(new DashboardData(empty, dev.optbench.analysis.AnalysisOptions.of(10, 0),
                        java.time.Clock.systemUTC()), "empty", DashboardServer.LOOPBACK, 0)) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(other.uri().toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains(Html.escape(DashboardPage.NO_STUDIES));
            HttpResponse<String> api = http.send(HttpRequest.newBuilder(other.uri().resolve("/api/studies")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(api.body()).get("studies")).isEmpty();
        }
    }

    /** One request written by hand so that its Host header can be a foreign name (HttpClient fixes it). */
    private int rawStatus(String hostHeader) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/studies HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII); // "HTTP/1.1 200"
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        return JSON.readTree(r.body());
    }

    private int status(String path) throws Exception {
        HttpResponse<String> r = http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            assertThat(JSON.readTree(r.body()).get("error").asText()).isNotBlank();
        }
        return r.statusCode();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
