package dev.optbench.serve;

import static dev.optbench.report.Html.escape;

import dev.optbench.Version;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.TrialState;

/**
 * The dashboard's one HTML page. The studies table is rendered here (escaped: every name comes
 * from the store, which is untrusted), so the page shows the studies before any script runs;
 * dashboard.js then keeps it current from /api/ and fills the study view.
 */
final class DashboardPage {
    /** Also in dashboard.js. */
    static final String NO_STUDIES = "no studies in this store yet (create one with 'optbench study create')";

    private DashboardPage() {}

    static String render(DashboardData data, String storeLabel) {
        StringBuilder h = new StringBuilder(4096);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>optbench dashboard</title><link rel=\"stylesheet\" href=\"/static/dashboard.css\"></head>\n<body>\n")
                .append("<header><h1>optbench dashboard</h1><p class=\"muted\">store ").append(escape(storeLabel))
                .append(" · optbench ").append(escape(Version.version()))
                .append(" · read-only · <span id=\"updated\">updated at load</span></p></header>\n")
                .append("<section><h2>Studies</h2><p class=\"muted\">Tick studies to compare them in one report;"
                        + " click a name to watch it.</p>\n")
                .append("<table id=\"studies\"><thead><tr><th></th><th>study</th><th>workload</th><th>protocol</th>"
                        + "<th>optimizers</th><th>progress</th><th class=\"num\">pending</th><th class=\"num\">running</th>"
                        + "<th class=\"num\">finished</th><th class=\"num\">failed</th><th>ETA</th></tr></thead><tbody>\n");
        java.util.List<StudyDefinition> studies = data.definitions();
        if (studies.isEmpty()) {
            h.append("<tr class=\"none\"><td colspan=\"11\" class=\"muted\">").append(escape(NO_STUDIES)).append("</td></tr>\n");
        }
        for (StudyDefinition d : studies) {
            StudyProgress p = data.progress(d.name());
            String name = escape(d.name());
            h.append("<tr data-study=\"").append(name).append("\"><td><input type=\"checkbox\" class=\"pick\" value=\"")
                    .append(name).append("\"></td><td><a href=\"#").append(name).append("\" class=\"open\">").append(name)
                    .append("</a></td><td>").append(escape(d.workload())).append("</td><td>").append(escape(d.protocol()))
                    .append("</td><td>").append(escape(String.join(", ", d.optimizers()))).append("</td><td><progress max=\"")
                    .append(p.total()).append("\" value=\"").append(p.total() - p.count(TrialState.PENDING) - p.count(TrialState.RUNNING))
                    .append("\"></progress></td><td class=\"num pending\">").append(p.count(TrialState.PENDING))
                    .append("</td><td class=\"num running\">").append(p.count(TrialState.RUNNING))
                    .append("</td><td class=\"num finished\">").append(p.finished())
                    .append("</td><td class=\"num failed\">").append(p.count(TrialState.FAILED))
                    .append("</td><td class=\"eta\">").append(escape(eta(p))).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n<p><button id=\"compare\" type=\"button\">Figures of the ticked studies</button> "
                + "<a id=\"report-link\" href=\"#\" hidden>open the full report</a></p></section>\n")
                .append("<section id=\"study\" hidden><h2 id=\"study-title\"></h2><p id=\"study-line\" class=\"muted\"></p>"
                        + "<table id=\"optimizers\"><thead><tr><th>optimizer</th><th class=\"num\">pending</th>"
                        + "<th class=\"num\">running</th><th class=\"num\">completed</th><th class=\"num\">diverged</th>"
                        + "<th class=\"num\">failed</th><th class=\"num\">best validation error</th><th>best trial</th></tr>"
                        + "</thead><tbody></tbody></table>\n"
                        + "<h3>Running trials</h3><table id=\"running\"><thead><tr><th>trial</th><th>worker</th>"
                        + "<th class=\"num\">elapsed</th></tr></thead><tbody></tbody></table>\n"
                        + "<h3>Live curves</h3><p class=\"muted\">Validation error against step of the running trials"
                        + " (thick, as their workers store each evaluation) and of the latest finished ones.</p>"
                        + "<canvas id=\"curves\" width=\"900\" height=\"320\"></canvas><div id=\"curve-legend\"></div></section>\n")
                .append("<section id=\"figures\" hidden><h2>Figures</h2><p id=\"figures-line\" class=\"muted\"></p>"
                        + "<div id=\"figure-list\"></div></section>\n")
                .append("<script src=\"/static/dashboard.js\"></script>\n</body></html>\n");
        return h.toString();
    }

    static String eta(StudyProgress p) {
        if (p.etaSeconds() == null) {
            return "– (" + p.etaNote() + ")";
        }
        if (p.etaSeconds() == 0) {
            return "done";
        }
        long s = Math.round(p.etaSeconds());
        return (s >= 3600 ? s / 3600 + " h " + (s % 3600) / 60 + " min" : s >= 60 ? s / 60 + " min " + s % 60 + " s" : s + " s")
                + " (" + p.etaNote() + ")";
    }
}
