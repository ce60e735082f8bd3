package dev.optbench.optim;

/**
 * One hyperparameter of an optimizer (SPEC section 2): canonical name, default ({@code null} when
 * the user must give it, as for learning_rate), a short description and the allowed range as text.
 */
public record HyperparameterSpec(String name, Double defaultValue, String description, String allowedRange) {

    /** Whether {@code value} lies in this hyperparameter's allowed range. */
    public boolean allows(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        return switch (name) {
            case "learning_rate" -> value > 0;
            case "momentum", "beta1", "beta2" -> value >= 0 && value < 1;
            case "rho" -> value > 0 && value <= 1;
            case "epsilon" -> value >= 0;
            default -> throw new IllegalStateException("no range known for " + name);
        };
    }

    /** Whether the user must give a value (there is no default). */
    public boolean required() {
        return defaultValue == null;
    }
}
