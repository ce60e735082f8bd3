package dev.optbench.study;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * One row per trial: optimizer, trial index, state, every hyperparameter (the canonical values
 * run, then the searched values under "searched." where they differ in name), final validation
 * and test error, steps, seconds, steps to target, seed, worker, then point, repeat (seed repeats)
 * and stage (1, or 2 for a fitted study's second stage). Text cells (labels, names, worker) are
 * written by {@link CsvText}: RFC 4180 quoting, neutralized against spreadsheet formulas.
 */
public final class TrialExport {
    private TrialExport() {}

    public static String csv(List<Trial> trials) {
        TreeSet<String> hparams = new TreeSet<>();
        TreeSet<String> searched = new TreeSet<>();
        for (Trial t : trials) {
            hparams.addAll(t.hparams().keySet());
            t.searched().keySet().stream().filter(k -> !t.hparams().containsKey(k)).forEach(searched::add);
        }
        List<String> header = new ArrayList<>(List.of("optimizer", "trial", "state"));
        header.addAll(hparams);
        searched.forEach(s -> header.add("searched." + s));
        header.addAll(List.of("validation_error", "test_error", "steps", "seconds", "steps_to_target", "seed", "worker",
                "point", "repeat", "stage"));
        StringBuilder b = new StringBuilder(String.join(",", header.stream().map(CsvText::text).toList())).append('\n');
        for (Trial t : trials) {
            List<String> row = new ArrayList<>(List.of(CsvText.text(t.optimizer()), Integer.toString(t.index()), t.state().id()));
            hparams.forEach(h -> row.add(num(t.hparams().get(h))));
            searched.forEach(s -> row.add(num(t.searched().get(s))));
            row.add(num(t.validationError()));
            row.add(num(t.testError()));
            row.add(Long.toString(t.steps()));
            row.add(String.format(Locale.ROOT, "%.3f", t.seconds()));
            row.add(num(t.stepsToTarget()));
            row.add(Long.toString(t.seed()));
            row.add(t.worker() == null ? "" : CsvText.text(t.worker()));
            row.add(Integer.toString(t.point()));
            row.add(Integer.toString(t.repeat()));
            row.add(Integer.toString(t.stage()));
            b.append(String.join(",", row)).append('\n');
        }
        return b.toString();
    }

    public static String json(List<Trial> trials) {
        ArrayNode rows = Json.MAPPER.createArrayNode();
        for (Trial t : trials) {
            ObjectNode r = rows.addObject();
            r.put("optimizer", t.optimizer()).put("trial", t.index()).put("point", t.point()).put("repeat", t.repeat())
                    .put("stage", t.stage()).put("state", t.state().id());
            ObjectNode h = r.putObject("hparams");
            new java.util.TreeMap<>(t.hparams()).forEach(h::put);
            ObjectNode s = r.putObject("searched");
            new java.util.TreeMap<>(t.searched()).forEach(s::put);
            r.put("validation_error", t.validationError());
            r.put("test_error", t.testError());
            r.put("steps", t.steps());
            r.put("seconds", t.seconds());
            r.put("steps_to_target", t.stepsToTarget());
            r.put("seed", t.seed());
            r.put("worker", t.worker());
            ObjectNode p = r.putObject("provenance");
            new java.util.TreeMap<>(t.provenance()).forEach(p::put);
            if (t.message() != null) {
                r.put("message", t.message());
            }
        }
        try {
            return Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String num(Double v) {
        return v == null ? "" : Double.toString(v);
    }
}
