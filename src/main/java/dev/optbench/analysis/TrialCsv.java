package dev.optbench.analysis;

import dev.optbench.InputException;
import dev.optbench.study.CsvText;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trials made elsewhere, from CSV (RFC 4180 quoting): columns {@code optimizer}, {@code trial},
 * {@code validation_error}, {@code test_error}, optional {@code steps_to_target} (empty = target
 * not reached) and any number of hyperparameter columns (numeric; empty = not set). The columns
 * of {@code optbench study export} are understood too, so an export imports back: {@code state}
 * (completed, diverged or failed; a failed row may leave its errors empty), {@code searched.NAME}
 * (the point as sampled), {@code steps}, {@code seconds}, {@code seed}, {@code worker}, {@code point},
 * {@code repeat} and {@code stage} (seed repeats and the fitted protocol; default: the trial is its own
 * point, repeat 0, stage 1; a file with repeats makes a study with that many seeds per point). The
 * whole file is checked before anything is returned, so a bad row leaves nothing half-imported.
 */
public record TrialCsv(List<Trial> trials, List<String> optimizers, List<String> hyperparameters, boolean hasSteps) {
    public static final List<String> REQUIRED = List.of("optimizer", "trial", "validation_error", "test_error");
    /** Sampler id of an imported study: the store creates no pending trials for it. */
    public static final String SAMPLER = dev.optbench.study.StudyPlan.IMPORTED;

    public TrialCsv {
        trials = List.copyOf(trials);
        optimizers = List.copyOf(optimizers);
        hyperparameters = List.copyOf(hyperparameters);
    }

    /** Trials per optimizer, the most of any optimizer: the imported study's budget. */
    public int maxTrialsPerOptimizer() {
        Map<String, Integer> count = new LinkedHashMap<>();
        trials.forEach(t -> count.merge(t.optimizer(), 1, Integer::sum));
        return count.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** The definition of a study created by an import (no search spaces: they were not ours). */
    public StudyDefinition definition(String study, String workload, String protocol, Instant created) {
        int seeds = 1 + trials.stream().mapToInt(Trial::repeat).max().orElse(0);
        Map<String, Set<Integer>> points = new LinkedHashMap<>();
        trials.forEach(t -> points.computeIfAbsent(t.optimizer(), o -> new HashSet<>()).add(t.point()));
        int perOptimizer = seeds == 1 ? maxTrialsPerOptimizer()
                : points.values().stream().mapToInt(Set::size).max().orElse(0);
        return new StudyDefinition(study, workload, protocol, optimizers, perOptimizer, 0L, SAMPLER,
                Map.of(), created, seeds, null);
    }

    /** Reads {@code file}; rows of an optimizer {@code registry} knows have their values range-checked. */
    public static TrialCsv read(dev.optbench.optim.OptimizerRegistry registry, Path file, String study) {
        List<List<String>> rows;
        try (java.io.Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) { // bounded: see CsvRows
            rows = CsvRows.parse(in, file.toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InputException(file + " is not UTF-8 text; save it as UTF-8 CSV");
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + dev.optbench.Messages.describe(e) + "; check the path");
        }
        return parse(registry, rows, file.toString(), study);
    }

    public static TrialCsv parse(dev.optbench.optim.OptimizerRegistry registry, String text, String source, String study) {
        return parse(registry, CsvRows.parse(text, source), source, study);
    }

    private static TrialCsv parse(dev.optbench.optim.OptimizerRegistry registry, List<List<String>> rows, String source,
            String study) {
        if (rows.isEmpty()) {
            throw new InputException(source + " is empty; it needs a header line with " + String.join(",", REQUIRED));
        }
        List<String> header = rows.get(0).stream().map(CsvText::restore).toList(); // text cells: see CsvText
        for (String col : REQUIRED) {
            if (!header.contains(col)) {
                throw new InputException(source + " line 1: missing column '" + col + "'; the header needs "
                        + String.join(",", REQUIRED) + " (then optional steps_to_target and hyperparameters)");
            }
        }
        Set<String> seen = new HashSet<>();
        for (String col : header) {
            if (col.isEmpty() || !seen.add(col)) {
                throw new InputException(source + " line 1: " + (col.isEmpty() ? "an empty column name" : "column '"
                        + oneLine(col) + "' appears twice") + "; give every column one distinct name");
            }
        }
        int opt = header.indexOf("optimizer");
        int idx = header.indexOf("trial");
        int val = header.indexOf("validation_error");
        int tst = header.indexOf("test_error");
        int steps = header.indexOf("steps_to_target");
        int state = header.indexOf("state");
        int stepsRun = header.indexOf("steps");
        int seconds = header.indexOf("seconds");
        int seed = header.indexOf("seed");
        int worker = header.indexOf("worker");
        int pointCol = header.indexOf("point");
        int repeatCol = header.indexOf("repeat");
        int stageCol = header.indexOf("stage");
        Set<Integer> fixed = new HashSet<>(List.of(opt, idx, val, tst, steps, state, stepsRun, seconds, seed, worker,
                pointCol, repeatCol, stageCol));
        List<Integer> hpCols = new ArrayList<>();
        List<String> hpNames = new ArrayList<>();
        List<Integer> searchedCols = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            if (header.get(c).startsWith("searched.")) {
                searchedCols.add(c);
            } else if (!fixed.contains(c)) {
                hpCols.add(c);
                hpNames.add(header.get(c));
            }
        }
        List<Trial> trials = new ArrayList<>();
        List<String> optimizers = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            int line = CsvRows.lineOf(row);
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue; // blank line
            }
            if (row.size() != header.size()) {
                throw new InputException(source + " line " + line + ": " + row.size() + " fields but the header has "
                        + header.size() + "; fix the row");
            }
            String optimizer = CsvText.restore(row.get(opt));
            if (optimizer.isEmpty()) {
                throw new InputException(source + " line " + line + ": missing optimizer; fill it in or remove the row");
            }
            int index = integer(row.get(idx), "trial", source, line);
            TrialState st = state < 0 ? TrialState.COMPLETED : state(row.get(state), source, line);
            if (!keys.add(optimizer + "\u0000" + index)) {
                throw new InputException(source + " line " + line + ": trial " + index + " of " + oneLine(optimizer)
                        + " appears twice; give each trial of an optimizer its own number");
            }
            boolean failed = st == TrialState.FAILED;
            Double v = failed && row.get(val).isBlank() ? null : error(row.get(val), "validation_error", source, line);
            Double t = failed && row.get(tst).isBlank() ? null : error(row.get(tst), "test_error", source, line);
            Double s = null;
            if (steps >= 0 && !row.get(steps).isBlank()) {
                s = number(row.get(steps), "steps_to_target", source, line);
                if (s < 0) {
                    throw new InputException(source + " line " + line + ": steps_to_target " + s
                            + " is negative; leave it empty when the target was not reached");
                }
            }
            Map<String, Double> hparams = new LinkedHashMap<>();
            for (int h = 0; h < hpCols.size(); h++) {
                String cell = row.get(hpCols.get(h));
                if (!cell.isBlank()) {
                    hparams.put(hpNames.get(h), number(cell, hpNames.get(h), source, line));
                }
            }
            if (dev.optbench.space.Hyperparameters.knows(registry, optimizer)) { // a retried failed row would run these
                for (Map.Entry<String, Double> h : hparams.entrySet()) {
                    String allowed = dev.optbench.space.SpaceRanges.outside(registry, optimizer, h.getKey(), h.getValue());
                    if (allowed != null) {
                        throw new InputException(source + " line " + line + ": " + optimizer + "'s " + h.getKey() + " = "
                                + cellText(h.getValue()) + " is outside the allowed range " + allowed + "; fix the value");
                    }
                }
            }
            Map<String, Double> searched = new LinkedHashMap<>();
            for (int c : searchedCols) {
                String cell = row.get(c);
                if (!cell.isBlank()) {
                    String name = header.get(c).substring("searched.".length());
                    searched.put(name, number(cell, header.get(c), source, line));
                }
            }
            // an export lists searched names that are also run values (learning_rate …) only once,
            // as run values: they were searched too, unless derived from a searched one_minus_X
            for (Map.Entry<String, Double> h : hparams.entrySet()) {
                String derivedFrom = "one_minus_" + h.getKey();
                if (!searched.containsKey(derivedFrom) && !hparams.containsKey(derivedFrom)) {
                    searched.putIfAbsent(h.getKey(), h.getValue());
                }
            }
            if (!optimizers.contains(optimizer)) {
                optimizers.add(optimizer);
            }
            long run = stepsRun < 0 || row.get(stepsRun).isBlank() ? 0L : (long) number(row.get(stepsRun), "steps", source, line);
            double secs = seconds < 0 || row.get(seconds).isBlank() ? 0.0 : number(row.get(seconds), "seconds", source, line);
            long sd = seed < 0 || row.get(seed).isBlank() ? 0L : seed(row.get(seed), source, line);
            // no worker column: "import"; an empty cell stays empty (null), as export wrote it
            String who = worker < 0 ? "import" : row.get(worker).isEmpty() ? null : CsvText.restore(row.get(worker));
            int point = pointCol < 0 || row.get(pointCol).isBlank() ? index : integer(row.get(pointCol), "point", source, line);
            int repeat = repeatCol < 0 || row.get(repeatCol).isBlank() ? 0 : integer(row.get(repeatCol), "repeat", source, line);
            int stage = stageCol < 0 || row.get(stageCol).isBlank() ? 1 : integer(row.get(stageCol), "stage", source, line);
            trials.add(new Trial(study, optimizer, index, st, searched, hparams, sd, who, null, null, run, secs, v, t, s,
                    Map.of("source", source, "line", String.valueOf(line)), null, List.of(), point, repeat, stage));
        }
        if (trials.isEmpty()) {
            throw new InputException(source + " has a header but no trials; add rows below it");
        }
        return new TrialCsv(trials, optimizers, hpNames, steps >= 0);
    }

    private static TrialState state(String cell, String source, int line) {
        String id = cell.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (id) {
            case "", "completed" -> TrialState.COMPLETED;
            case "diverged" -> TrialState.DIVERGED;
            case "failed" -> TrialState.FAILED;
            default -> throw new InputException(source + " line " + line + ": state '" + oneLine(cell.trim())
                    + "' cannot be imported; use completed, diverged or failed (or remove the row)");
        };
    }

    private static double error(String cell, String column, String source, int line) {
        if (cell.isBlank()) {
            throw new InputException(source + " line " + line + ": missing " + column
                    + "; every trial needs both errors (remove the row if the trial did not finish)");
        }
        double x = number(cell, column, source, line);
        if (x < 0) {
            throw new InputException(source + " line " + line + ": " + column + " " + x + " is negative; errors are >= 0");
        }
        return x;
    }

    /** A seed exactly (64-bit seeds do not survive a trip through double). */
    private static long seed(String cell, String source, int line) {
        try {
            return Long.parseLong(cell.trim());
        } catch (NumberFormatException e) {
            return (long) number(cell, "seed", source, line);
        }
    }

    private static double number(String cell, String column, String source, int line) {
        try {
            double x = Double.parseDouble(cell.trim());
            if (!Double.isFinite(x)) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new InputException(source + " line " + line + ": " + oneLine(column) + " '" + oneLine(cell.trim())
                    + "' is not a finite number; fix the value");
        }
    }

    private static int integer(String cell, String column, String source, int line) {
        try {
            int x = Integer.parseInt(cell.trim());
            if (x < 0) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new InputException(source + " line " + line + ": " + oneLine(column) + " '" + oneLine(cell.trim())
                    + "' is not a trial number (an integer >= 0); fix the value");
        }
    }

    /** A number as a person would write it: -3, not -3.0. */
    private static String cellText(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Cell text for a one-line error message: line breaks shown as \n, at most ~80 characters. */
    private static String oneLine(String s) {
        return dev.optbench.Messages.quote(s);
    }
}
