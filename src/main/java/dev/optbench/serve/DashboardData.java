package dev.optbench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optbench.InputException;
import dev.optbench.analysis.AnalysisJson;
import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.report.RenderedReport;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.workload.Workloads;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the dashboard shows, read from the store (only read: the store is opened read-only) and
 * turned into JSON. Progress, pages of trials, best and latest trials are small queries, never
 * a read of every trial; analyses and reports (which need every trial and curve) are cached
 * under the studies' change marks ({@link SqlStudyStore#changeMark}), so they are computed again
 * only after a study changed.
 */
public final class DashboardData {
    /** Studies in one analysis or report, at most (each is a full bootstrap). */
    public static final int MAX_STUDIES = 12;
    /** Trials per page of /api/trials, at most. */
    public static final int MAX_PAGE = 1000;
    /** Finished trials whose curves the live view shows next to the running ones. */
    static final int RECENT = 12;

    static final ObjectMapper JSON = new ObjectMapper();

    private final SqlStudyStore store;
    private final AnalysisOptions options;
    private final Clock clock;
    private final MarkedCache<List<StudyData>> curves = new MarkedCache<>(2); // trials with curves: large
    private final MarkedCache<AnalysisResult> analyses = new MarkedCache<>(16);
    private final MarkedCache<RenderedReport> reports = new MarkedCache<>(8);

    public DashboardData(SqlStudyStore store, AnalysisOptions options, Clock clock) {
        this.store = store;
        this.options = options;
        this.clock = clock;
    }

    /** Every study with its progress and ETA. */
    public ObjectNode studies() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("studies");
        Instant now = clock.instant();
        for (StudyDefinition d : store.studies()) {
            ObjectNode s = list.addObject();
            describe(s, d);
            progress(s, StudyProgress.of(store.tally(d.name()), now), false);
        }
        out.put("now", now.toString());
        return out;
    }

    /** One study: its definition, progress, the running trials, and per optimizer the counts and best trial. */
    public ObjectNode study(String name) {
        StudyDefinition d = definition(name);
        ObjectNode s = JSON.createObjectNode();
        describe(s, d);
        progress(s, StudyProgress.of(store.tally(name), clock.instant()), true);
        ObjectNode per = s.putObject("byOptimizer");
        Map<String, Trial> best = store.bestTrials(name);
        store.counts(name).forEach((o, counts) -> {
            ObjectNode n = per.putObject(o);
            ObjectNode c = n.putObject("counts");
            counts.forEach((st, k) -> c.put(st.id(), k));
            if (best.containsKey(o)) {
                trial(n.putObject("best"), best.get(o));
            }
        });
        return s;
    }

    /** A page of a study's trials (ordered by optimizer, then index), optionally of one state. */
    public ObjectNode trials(String name, String state, int offset, int limit) {
        definition(name);
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new InputException("offset must be ≥ 0 and limit between 1 and " + MAX_PAGE + " (page with offset=N&limit=M)");
        }
        TrialState only = state == null || state.isEmpty() ? null : parseState(state);
        ObjectNode out = JSON.createObjectNode();
        out.put("study", name);
        out.put("total", store.trialCount(name, only));
        out.put("offset", offset);
        out.put("limit", limit);
        ArrayNode page = out.putArray("trials");
        for (Trial t : store.trialsPage(name, only, offset, limit)) {
            trial(page.addObject(), t);
        }
        return out;
    }

    /** One trial's stored curve. */
    public ObjectNode curve(String name, String optimizer, int index) {
        definition(name);
        Trial t = store.trial(name, optimizer, index)
                .orElseThrow(() -> new NotFound("study '" + name + "' has no trial " + optimizer + "#" + index));
        ObjectNode out = JSON.createObjectNode();
        trial(out.putObject("trial"), t);
        curve(out.putArray("curve"), store.curve(name, optimizer, index));
        return out;
    }

    /**
     * The live view: the running trials (with whatever curve is stored for them, empty until they
     * finish) and the curves of the most recently finished trials.
     */
    public ObjectNode live(String name) {
        definition(name);
        ObjectNode out = JSON.createObjectNode();
        out.put("study", name);
        ArrayNode running = out.putArray("running");
        for (Trial t : store.tally(name).running()) {
            ObjectNode n = running.addObject();
            trial(n, t);
            curve(n.putArray("curve"), store.curve(name, t.optimizer(), t.index()));
        }
        ArrayNode recent = out.putArray("recent");
        for (Trial t : store.recentlyFinished(name, RECENT)) {
            ObjectNode n = recent.addObject();
            trial(n, t);
            curve(n.putArray("curve"), store.curve(name, t.optimizer(), t.index()));
        }
        return out;
    }

    /** The analysis of the named studies together, as {@code analyze --json} prints it. */
    public JsonNode analysis(List<String> names) {
        return AnalysisJson.tree(analyzed(names));
    }

    /** The report of the named studies together: its page and figures. */
    public RenderedReport report(List<String> names) {
        List<String> studies = checked(names);
        return reports.get(String.join("\n", studies), marks(studies),
                () -> RenderedReport.of(analyzed(studies), data(studies)));
    }

    /** The list of the report's figures (id, title, caption) for the named studies. */
    public ObjectNode figures(List<String> names) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("figures");
        for (RenderedReport.Entry f : report(names).figures()) {
            list.addObject().put("id", f.id()).put("title", f.title()).put("caption", f.caption());
        }
        return out;
    }

    /** One of the report's figures, rendered on first use: PNG, or SVG when {@code svg}. */
    public Optional<byte[]> figure(List<String> names, String id, boolean svg) {
        RenderedReport r = report(names);
        return svg ? r.svg(id) : r.png(id);
    }

    /** The studies that exist, for the server-rendered page. */
    List<StudyDefinition> definitions() {
        return store.studies();
    }

    StudyProgress progress(String name) {
        return StudyProgress.of(store.tally(name), clock.instant());
    }

    // ---------------------------------------------------------------- reading

    private AnalysisResult analyzed(List<String> names) {
        List<String> studies = checked(names);
        return analyses.get(String.join("\n", studies), marks(studies), () -> new Analyzer(options).analyze(data(studies)));
    }

    private List<StudyData> data(List<String> studies) {
        return curves.get(String.join("\n", studies), marks(studies), () -> {
            List<StudyData> out = new ArrayList<>();
            for (String n : studies) {
                StudyDefinition d = definition(n);
                out.add(new StudyData(d, store.trials(n, true), target(d.workload())));
            }
            return out;
        });
    }

    private List<String> checked(List<String> names) {
        if (names.isEmpty()) {
            throw new InputException("name at least one study: ?study=NAME (repeat it to compare studies)");
        }
        if (names.size() > MAX_STUDIES) {
            throw new InputException("at most " + MAX_STUDIES + " studies at once, not " + names.size());
        }
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new InputException("a study is named twice; name each once");
        }
        names.forEach(this::definition);
        return List.copyOf(names);
    }

    private String marks(List<String> studies) {
        StringBuilder b = new StringBuilder();
        for (String s : studies) {
            b.append(s).append('=').append(store.changeMark(s)).append('\n');
        }
        return b.toString();
    }

    private StudyDefinition definition(String name) {
        return store.findStudy(name).orElseThrow(() -> new NotFound("no study '" + name + "' in this store (GET /api/studies lists them)"));
    }

    private static Double target(String workload) {
        try {
            return Workloads.get(workload).targetError();
        } catch (InputException unknown) {
            return null;
        }
    }

    private static TrialState parseState(String s) {
        for (TrialState t : TrialState.values()) {
            if (t.id().equals(s)) {
                return t;
            }
        }
        throw new InputException("unknown state '" + s + "' (pending, running, completed, diverged or failed)");
    }

    // ---------------------------------------------------------------- JSON

    private static void describe(ObjectNode s, StudyDefinition d) {
        s.put("name", d.name());
        s.put("workload", d.workload());
        s.put("protocol", d.protocol());
        s.put("sampler", d.sampler());
        s.put("trialsPerOptimizer", d.trialsPerOptimizer());
        s.put("seeds", d.seeds());
        ArrayNode o = s.putArray("optimizers");
        d.optimizers().forEach(o::add);
    }

    private static void progress(ObjectNode s, StudyProgress p, boolean withRunning) {
        ObjectNode c = s.putObject("counts");
        for (TrialState st : TrialState.values()) {
            c.put(st.id(), p.count(st));
        }
        s.put("total", p.total());
        s.put("finished", p.finished());
        number(s, "meanTrialSeconds", p.meanTrialSeconds());
        number(s, "etaSeconds", p.etaSeconds());
        s.put("etaNote", p.etaNote());
        s.put("workers", p.running().stream().map(StudyProgress.RunningTrial::worker).distinct().count());
        if (withRunning) {
            ArrayNode r = s.putArray("running");
            for (StudyProgress.RunningTrial t : p.running()) {
                ObjectNode n = r.addObject();
                n.put("optimizer", t.optimizer()).put("index", t.index()).put("worker", t.worker());
                n.put("started", t.started() == null ? null : t.started().toString());
                n.put("elapsedSeconds", t.elapsedSeconds());
            }
        }
    }

    private static void trial(ObjectNode n, Trial t) {
        n.put("optimizer", t.optimizer());
        n.put("index", t.index());
        n.put("point", t.point());
        n.put("repeat", t.repeat());
        n.put("stage", t.stage());
        n.put("state", t.state().id());
        ObjectNode h = n.putObject("hparams");
        new java.util.TreeMap<>(t.hparams()).forEach((k, v) -> number(h, k, v));
        n.put("seed", t.seed());
        n.put("worker", t.worker());
        n.put("started", t.started() == null ? null : t.started().toString());
        n.put("finished", t.finished() == null ? null : t.finished().toString());
        n.put("steps", t.steps());
        number(n, "seconds", t.seconds());
        number(n, "validationError", t.validationError());
        number(n, "testError", t.testError());
        number(n, "stepsToTarget", t.stepsToTarget());
        n.put("message", t.message());
        ObjectNode p = n.putObject("provenance");
        new java.util.TreeMap<>(t.provenance()).forEach(p::put);
    }

    private static void curve(ArrayNode out, List<Measurement> curve) {
        for (Measurement m : curve) {
            ObjectNode n = out.addObject();
            n.put("step", m.step());
            n.put("split", m.split().id());
            number(n, "loss", m.loss());
            number(n, "error", m.error());
        }
    }

    /** JSON has no NaN or infinity: those are null. */
    private static void number(ObjectNode n, String key, Double v) {
        if (v == null || !Double.isFinite(v)) {
            n.putNull(key);
        } else {
            n.put(key, v);
        }
    }

    /** A study or trial that is not in the store (HTTP 404). */
    static final class NotFound extends InputException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }
}
