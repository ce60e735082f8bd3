package dev.optbench.optim;

/**
 * One hyperparameter of an optimizer (SPEC section 2): canonical name, default ({@code null} when
 * the user must give it, as for learning_rate), a short description and the allowed range as text.
 */
public record HyperparameterSpec(String name, Double defaultValue, String description, String allowedRange) {
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

    /** Whether {@code value} lies in this hyperparameter's allowed range. */
    public boolean allows(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        return switch (allowedRange) {
            case "> 0" -> value > 0;
            case "[0, 1)" -> value >= 0 && value < 1;
            case "(0, 1]" -> value > 0 && value <= 1;
            case "≥ 0" -> value >= 0;
            default -> throw new IllegalStateException("no range known for " + name + ": " + allowedRange);
        };
    }

    /** Whether the user must give a value (there is no default). */
    public boolean required() {
        return defaultValue == null;
    }
}
