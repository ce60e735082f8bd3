package dev.optbench.optim;

/**
 * One hyperparameter of an optimizer (SPEC section 2): canonical name, default ({@code null} when
 * the user must give it, as for learning_rate), a short description and the valid range: from
 * {@code min} to {@code max}, each end open or closed (±∞ for no bound). Built-in rules and
 * plug-ins declare their ranges the same way, e.g. {@code new HyperparameterSpec("beta2", 0.99,
 * "decay of m", "[0, 1)")} or with explicit bounds.
 */
public record HyperparameterSpec(String name, Double defaultValue, String description,
        double min, boolean minClosed, double max, boolean maxClosed) {
    public static final HyperparameterSpec LEARNING_RATE = new HyperparameterSpec(
            "learning_rate", null, "step size η0 (α0 for adam/nadam) before the schedule", "> 0");
    public static final HyperparameterSpec MOMENTUM = new HyperparameterSpec(
            "momentum", 0.9, "momentum γ", "[0, 1)");
    public static final HyperparameterSpec RHO = new HyperparameterSpec(
            "rho", 0.9, "decay ρ of the squared-gradient average", "(0, 1]");
    public static final HyperparameterSpec RMS_EPSILON = new HyperparameterSpec(
            "epsilon", 1e-10, "ε inside the square root", "≥ 0");
    public static final HyperparameterSpec BETA1 = new HyperparameterSpec(
            "beta1", 0.9, "decay β1 of the first moment", "[0, 1)");
    public static final HyperparameterSpec BETA2 = new HyperparameterSpec(
            "beta2", 0.999, "decay β2 of the second moment", "[0, 1)");
    public static final HyperparameterSpec ADAM_EPSILON = new HyperparameterSpec(
            "epsilon", 1e-8, "ε added to √v", "≥ 0");
    /** Decoupled weight decay λ, which every optimizer takes (SPEC section 2). */
    public static final HyperparameterSpec WEIGHT_DECAY = new HyperparameterSpec(
            "weight_decay", 0.0, "decoupled weight decay λ: θ ← θ − α_t λ θ_old − step", "≥ 0");

    public HyperparameterSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a hyperparameter needs a name");
        }
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("hyperparameter " + name + " has an empty range [" + min + ", " + max + "]");
        }
    }

    /**
     * A range in text: "> a", "≥ a", "< b", "≤ b", or an interval "[a, b)", "(a, b]", "[a, b]",
     * "(a, b)" ({@code inf} for no bound).
     */
    public HyperparameterSpec(String name, Double defaultValue, String description, String range) {
        this(name, defaultValue, description, parse(range, name));
    }

    private HyperparameterSpec(String name, Double defaultValue, String description, Bounds b) {
        this(name, defaultValue, description, b.min, b.minClosed, b.max, b.maxClosed);
    }

    private record Bounds(double min, boolean minClosed, double max, boolean maxClosed) {}

    private static Bounds parse(String range, String name) {
        String r = range.strip();
        try {
            if (r.startsWith(">") || r.startsWith("≥")) {
                return new Bounds(number(r.substring(r.startsWith(">=") ? 2 : 1)), !r.startsWith(">") || r.startsWith(">="),
                        Double.POSITIVE_INFINITY, false);
            }
            if (r.startsWith("<") || r.startsWith("≤")) {
                return new Bounds(Double.NEGATIVE_INFINITY, false, number(r.substring(r.startsWith("<=") ? 2 : 1)),
                        !r.startsWith("<") || r.startsWith("<="));
            }
            char open = r.charAt(0);
            char close = r.charAt(r.length() - 1);
            String[] ends = r.substring(1, r.length() - 1).split(",");
            if ((open == '[' || open == '(') && (close == ']' || close == ')') && ends.length == 2) {
                return new Bounds(number(ends[0]), open == '[', number(ends[1]), close == ']');
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("hyperparameter " + name + ": cannot read range '" + range
                + "' (write e.g. \"> 0\", \"≥ 0\", \"[0, 1)\", \"(0, 1]\")");
    }

    private static double number(String s) {
        String t = s.strip();
        return switch (t) {
            case "inf", "+inf", "∞" -> Double.POSITIVE_INFINITY;
            case "-inf", "−∞", "-∞" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(t);
        };
    }

    /** Whether {@code value} lies in this hyperparameter's valid range. */
    public boolean allows(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        boolean above = minClosed ? value >= min : value > min;
        boolean below = maxClosed ? value <= max : value < max;
        return above && below;
    }

    /** The range as text: "> 0", "≥ 0", "[0, 1)", "(0, 1]". */
    public String allowedRange() {
        if (max == Double.POSITIVE_INFINITY) {
            return (minClosed ? "≥ " : "> ") + fmt(min);
        }
        if (min == Double.NEGATIVE_INFINITY) {
            return (maxClosed ? "≤ " : "< ") + fmt(max);
        }
        return (minClosed ? "[" : "(") + fmt(min) + ", " + fmt(max) + (maxClosed ? "]" : ")");
    }

    /** The range as an inequality in the value's name, e.g. "0 ≤ beta1 < 1". */
    public String rangeText() {
        String lower = min == Double.NEGATIVE_INFINITY ? "" : fmt(min) + (minClosed ? " ≤ " : " < ");
        String upper = max == Double.POSITIVE_INFINITY ? "" : (maxClosed ? " ≤ " : " < ") + fmt(max);
        if (lower.isEmpty() && upper.isEmpty()) {
            return name + " finite";
        }
        if (upper.isEmpty()) {
            return name + (minClosed ? " ≥ " : " > ") + fmt(min);
        }
        return lower + name + upper;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Whether the user must give a value (there is no default). */
    public boolean required() {
        return defaultValue == null;
    }
}
