package dev.optbench.space;

import dev.optbench.InputException;
import java.util.Locale;

/**
 * Settings of the {@code fitted} protocol's automatic search-space fitting (SPEC section 10):
 * {@code share} of each optimizer's points spent in stage 1 on the wide space, the {@code top}
 * fraction of stage 1's points (by validation error) whose range is kept, and the {@code margin}
 * added on each side, in decades on log scales (on linear scales: {@link #LINEAR_PER_DECADE} of
 * the wide width per decade, so the default half decade is 10% of the wide width).
 */
public record FitOptions(double share, double top, double margin) {
    public static final FitOptions DEFAULT = new FitOptions(0.5, 0.2, 0.5);
    /** Linear scales: the margin as a fraction of the wide range's width, per decade of margin. */
    public static final double LINEAR_PER_DECADE = 0.2;

    public FitOptions {
        if (!(share > 0 && share < 1)) {
            throw new InputException("--fit-share must be strictly between 0 and 1, not " + share);
        }
        if (!(top > 0 && top <= 1)) {
            throw new InputException("--fit-top must be in (0, 1], not " + top);
        }
        if (!(margin >= 0) || !Double.isFinite(margin)) {
            throw new InputException("--fit-margin must be a finite number >= 0 (decades), not " + margin);
        }
    }

    /** Points of stage 1 out of {@code points} per optimizer: round(share × points), at least 1, leaving at least 1. */
    public int stage1Points(int points) {
        if (points < 2) {
            throw new InputException("the fitted protocol needs at least 2 points per optimizer (one per stage), not " + points);
        }
        return (int) Math.max(1, Math.min(points - 1, Math.round(share * points)));
    }

    public String toJson() {
        return String.format(Locale.ROOT, "{\"share\":%s,\"top\":%s,\"margin\":%s}", share, top, margin);
    }

    public static FitOptions fromJson(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n = SearchSpace.JSON.readTree(json);
            return new FitOptions(n.get("share").asDouble(), n.get("top").asDouble(), n.get("margin").asDouble());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("corrupt fit options in store: " + json, e);
        }
    }
}
