package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optimizers, inclusion and trace commands: output, plots and exit codes. */
class OptimCommandsTest {
    @Test
    void optimizersListsRulesHyperparametersAndDefaults() {
        CliRun run = CliRun.of("optimizers");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("rmsprop   v ← ρ v + (1−ρ) g²;  m ← γ m + η_t g / √(v + ε);  θ ← θ − m")
                .contains("nadam     m, v, b as adam;  θ ← θ − α_t b (β1 m + (1−β1) g) / (√v + ε)")
                .containsPattern("epsilon +default 1.0E-10 +range ≥ 0")
                .containsPattern("beta2 +default 0.999 +range \\[0, 1\\)")
                .containsPattern("learning_rate +required")
                .contains("linear_decay");
    }

    @Test
    void inclusionVerifiesEveryRelationAndExitsZero() {
        // every problem is checked by InclusionCheckTest; here the command on the cheapest one
        CliRun run = CliRun.of("inclusion", "--problem", "quadratic");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        // 10 (relation, route) pairs, every one ok
        assertThat(run.out().lines().filter(l -> l.endsWith(" ok"))).hasSize(10);
        assertThat(run.out()).doesNotContain("FAIL").contains("momentum ⊆ adam    limit  quadratic")
                .contains("ε=1e2").contains("All 10 checks passed");
        assertBad("unknown problem 'mnist'", "inclusion", "--problem", "mnist");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        assertBad("beta1 = 1.2 is out of range for adam: need 0 ≤ beta1 < 1",
                "trace", "--optimizer", "adam", "--hparams", "learning_rate=0.1,beta1=1.2", "--function", "rosenbrock");
        assertBad("unknown function 'himmelblau': choose one of rosenbrock, beale, quadratic",
                "trace", "--optimizer", "sgd", "--hparams", "learning_rate=0.1", "--function", "himmelblau");
        assertBad("unknown optimizer 'adagrad'",
                "trace", "--optimizer", "adagrad", "--hparams", "learning_rate=0.1", "--function", "beale");
        assertBad("give one --hparams per --optimizer",
                "trace", "--optimizer", "sgd", "--function", "beale");
        assertBad("learning_rate is required for sgd",
                "trace", "--optimizer", "sgd", "--hparams", "", "--function", "beale");
        assertBad("unknown hyperparameter 'l2' for momentum",
                "trace", "--optimizer", "momentum", "--hparams", "learning_rate=0.1,l2=0.1", "--function", "beale");
        assertBad("decay_factor = 2 is out of range for linear_decay: need 0 < decay_factor ≤ 1",
                "trace", "--optimizer", "sgd", "--hparams", "learning_rate=0.1,decay_factor=2", "--function", "beale",
                "--schedule", "linear_decay");
        assertBad("--start '1' must be two numbers X,Y",
                "trace", "--optimizer", "sgd", "--hparams", "learning_rate=0.1", "--function", "beale", "--start", "1");
        assertBad("--dtype float16 is not supported",
                "trace", "--optimizer", "sgd", "--hparams", "learning_rate=0.1", "--function", "beale", "--dtype", "float16");
        assertBad("learning_rate = 'fast' is not a number",
                "trace", "--optimizer", "sgd", "--hparams", "learning_rate=fast", "--function", "beale");
        assertThat(CliRun.of("trace", "--function", "beale").exitCode()).isEqualTo(2);
    }

    private static void assertBad(String message, String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void float32TraceStaysCloseToFloat64AndPrintsSinglePrecision() {
        String[] common = {"trace", "--optimizer", "momentum", "--hparams", "learning_rate=0.02",
            "--function", "quadratic", "--start", "2,1", "--steps", "20"};
        CliRun f64 = CliRun.of(common);
        String[] with32 = Arrays.copyOf(common, common.length + 2);
        with32[common.length] = "--dtype";
        with32[common.length + 1] = "float32";
        CliRun f32 = CliRun.of(with32);
        assertThat(f32.exitCode()).isZero();
        String[] a = f64.out().strip().split("\n");
        String[] b = f32.out().strip().split("\n");
        assertThat(b).hasSize(22);
        // step 1 by hand: v = g = (2, 10), θ = (2, 1) − 0.02·(2, 10) = (1.96, 0.8)
        assertThat(a[2]).startsWith("1,1.96,0.8");
        assertThat(b[2]).startsWith("1,1.96,0.8,");
        for (int i = 1; i < a.length; i++) {
            String[] x = a[i].split(",");
            String[] y = b[i].split(",");
            for (int c = 1; c <= 2; c++) {
                assertThat(Double.parseDouble(y[c])).isCloseTo(Double.parseDouble(x[c]),
                        org.assertj.core.api.Assertions.within(1e-5));
                // float32 values print as the shortest float text, so they read back exactly as floats
                assertThat((double) Float.parseFloat(y[c])).isEqualTo((double) (float) Double.parseDouble(y[c]));
            }
        }
    }

    @Test
    void severalPathsGoToOneCsvAndOnePlot(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("paths.png");
        CliRun run = CliRun.of("trace", "--function", "rosenbrock", "--steps", "50",
                "--optimizer", "sgd", "--hparams", "learning_rate=5e-4",
                "--optimizer", "adam", "--hparams", "learning_rate=0.05,decay_factor=0.5",
                "--schedule", "linear_decay", "--plot", png.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] lines = run.out().strip().split("\n");
        assertThat(lines[0]).isEqualTo("run,optimizer,step,x,y,loss");
        assertThat(lines).hasSize(1 + 2 * 51);
        assertThat(lines[1]).isEqualTo("1,sgd,0,-1.5,2.0,12.5"); // f(−1.5, 2) = 6.25 + 100·0.0625
        assertThat(lines[52]).startsWith("2,adam,0,-1.5,2.0,");
        assertThat(Files.size(png)).isGreaterThan(10_000);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(800);
        // the first path's colour (0x1f77b4) and the second's (0xd62728) are drawn
        assertThat(countColour(image, 0x1f77b4)).isGreaterThan(20);
        assertThat(countColour(image, 0xd62728)).isGreaterThan(20);
    }

    @Test
    void plotNeedsAPngName(@TempDir Path dir) {
        assertBad("must end in .png", "trace", "--optimizer", "sgd", "--hparams", "learning_rate=0.1",
                "--function", "quadratic", "--plot", dir.resolve("x.jpg").toString());
    }

    private static int countColour(BufferedImage image, int rgb) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
