package dev.optbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report in headless Chromium (offline flags): every figure must decode in the
 * browser (a copy of the page gets a small script that counts images with naturalWidth &gt; 0
 * after load; --dump-dom prints the result), and a full-page screenshot must show content.
 * Skipped when no Chromium is installed (.ci/run installs it).
 */
class ReportInChromiumTest {
    @TempDir Path dir;

    @Test
    void everyFigureRendersInHeadlessChromium() throws Exception {
        String chromium = findChromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium chromium-driver)");
        ReportWriter.Written w = ReportFixtures.write(dir.resolve("report"), 30);
        String html = Files.readString(w.html());

        Path check = w.html().resolveSibling("check.html");
        String probe = "<script>window.addEventListener('load',()=>{const im=[...document.images];"
                + "const ok=im.filter(i=>i.complete&&i.naturalWidth>0).length;const p=document.createElement('pre');"
                + "p.id='render-check';p.textContent='RENDERED '+ok+' OF '+im.length;document.body.appendChild(p);});"
                + "</script></body>";
        Files.writeString(check, html.replace("</body>", probe));
        String dom = run(chromium, dir, "--virtual-time-budget=10000", "--dump-dom", check.toUri().toString());
        Matcher m = Pattern.compile("RENDERED (\\d+) OF (\\d+)").matcher(dom);
        assertThat(m.find()).as("the probe ran; chromium printed:%n%s", tail(dom)).isTrue();
        assertThat(Integer.parseInt(m.group(2))).isEqualTo(w.pngs().size());
        assertThat(Integer.parseInt(m.group(1))).as("figures decoded by the browser").isEqualTo(w.pngs().size());

        Path shot = dir.resolve("screenshot.png");
        run(chromium, dir, "--hide-scrollbars", "--screenshot=" + shot, "--window-size=1400,3000",
                w.html().toUri().toString());
        assertThat(shot).exists();
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img.getWidth()).isEqualTo(1400);
        assertThat(img.getHeight()).isEqualTo(3000);
        assertThat(distinctColours(img)).as("a page with charts, not a blank one").isGreaterThan(200);
    }

    private static int distinctColours(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }

    static String findChromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                    return Path.of(d, name).toString();
                }
            }
        }
        return null;
    }

    /** Runs headless Chromium with networking features off; returns stdout. */
    static String run(String chromium, Path work, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(work, "profile")));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(work, "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + cmd);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static String tail(String s) {
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }
}
