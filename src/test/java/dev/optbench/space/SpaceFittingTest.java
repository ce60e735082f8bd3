package dev.optbench.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpaceFittingTest {
    private static final SearchSpace WIDE = SearchSpace.fromJson("{"
            + "\"learning_rate\": {\"min\": 1e-5, \"max\": 100, \"scaling\": \"log\"},"
            + "\"decay_steps_factor\": {\"min\": 0.5, \"max\": 1.0, \"scaling\": \"linear\"},"
            + "\"one_minus_momentum\": {\"min\": 1e-4, \"max\": 1, \"scaling\": \"log\"},"
            + "\"decay_factor\": {\"feasible_points\": [0.01, 0.1]}}", "wide");

    private static SpaceFitting.Scored p(int i, double lr, double steps, double om, double val) {
        return new SpaceFitting.Scored(i, Map.of("learning_rate", lr, "decay_steps_factor", steps, "one_minus_momentum", om,
                "decay_factor", 0.1), val);
    }

    @Test
    void rangeOfTheTopFractionWidenedByTheMarginAndClipped() {
        // top 0.4 of 5 points = 2 (points 3 and 1, by validation error)
        List<SpaceFitting.Scored> stage1 = List.of(p(0, 1e-5, 0.5, 1e-4, 0.9), p(1, 1e-2, 0.8, 0.5, 0.2),
                p(2, 10, 1.0, 1e-3, 0.8), p(3, 1e-3, 0.7, 0.1, 0.1), p(4, 1, 0.6, 1e-2, 0.5));
        SpaceFitting.Fitted f = SpaceFitting.fit(WIDE, stage1, new FitOptions(0.5, 0.4, 0.5));
        Range.Log lr = (Range.Log) f.space().ranges().get("learning_rate");
        assertThat(lr.min()).isCloseTo(1e-3 / Math.sqrt(10), offset(1e-15)); // half a decade below 1e-3
        assertThat(lr.max()).isCloseTo(1e-2 * Math.sqrt(10), offset(1e-15));
        Range.Linear st = (Range.Linear) f.space().ranges().get("decay_steps_factor");
        // margin 0.5 decade = 0.2 · 0.5 = 10% of the wide width 0.5 = 0.05
        assertThat(st.min()).isCloseTo(0.65, offset(1e-12));
        assertThat(st.max()).isCloseTo(0.85, offset(1e-12));
        Range.Log om = (Range.Log) f.space().ranges().get("one_minus_momentum");
        assertThat(om.min()).isCloseTo(0.1 / Math.sqrt(10), offset(1e-15));
        assertThat(om.max()).isEqualTo(1.0); // 0.5 · √10 clipped to the wide bound
        assertThat(f.space().ranges().get("decay_factor")).isEqualTo(WIDE.ranges().get("decay_factor"));
        assertThat(f.reasons().get("one_minus_momentum")).contains("lower bound raised", "upper bound kept");
        assertThat(f.reasons().get("learning_rate")).contains("best 2 of 5 stage-1 points lie in [0.001, 0.01]");
        assertThat(f.space().names()).isEqualTo(WIDE.names());
        // a pure function: the same stage 1 in another order gives the same space
        assertThat(SpaceFitting.fit(WIDE, List.of(stage1.get(4), stage1.get(2), stage1.get(0), stage1.get(3), stage1.get(1)),
                new FitOptions(0.5, 0.4, 0.5)).space()).isEqualTo(f.space());
    }

    @Test
    void noFinishedPointKeepsTheWideSpaceAndStageSizesAreRounded() {
        assertThat(SpaceFitting.fit(WIDE, List.of(), FitOptions.DEFAULT).space()).isEqualTo(WIDE);
        assertThat(FitOptions.DEFAULT.stage1Points(10)).isEqualTo(5);
        assertThat(new FitOptions(0.3, 0.2, 0.5).stage1Points(8)).isEqualTo(2);
        assertThat(new FitOptions(0.9, 0.2, 0.5).stage1Points(4)).isEqualTo(3); // stage 2 keeps at least one
        assertThat(FitOptions.fromJson(FitOptions.DEFAULT.toJson())).isEqualTo(FitOptions.DEFAULT);
    }
}
