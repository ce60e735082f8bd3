package dev.optbench.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium (Selenium driving the system chromedriver; nothing is
 * downloaded): the page loads, and a running study's progress updates without a reload while
 * the test itself moves trials through their states in the store; the report's figures of two
 * ticked studies load as images. Waits are WebDriverWait on
 * DOM conditions, never sleeps. Skipped when chromium or chromedriver is missing (.ci/run
 * installs both). With -Doptbench.screenshots=DIR it also saves the page there.
 */
class DashboardInChromiumTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String HOSTILE = "<img src=x onerror=\"window.__xss=1\">";

    @TempDir Path dir;

    @Test
    void progressUpdatesWithoutAReload() throws Exception {
        String chromium = onPath("chromium", "chromium-browser", "google-chrome");
        String chromedriver = onPath("chromedriver");
        assumeTrue(chromium != null && chromedriver != null,
                "chromium or chromedriver is not installed (apt-get install chromium chromium-driver)");
        try (DashboardFixture store = new DashboardFixture(dir)) {
            try (Connection c = DriverManager.getConnection("jdbc:" + store.url); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE trials SET study = '" + HOSTILE.replace("'", "''") + "' WHERE study = 'synth'");
                s.executeUpdate("UPDATE studies SET name = '" + HOSTILE.replace("'", "''") + "' WHERE name = 'synth'");
            }
            store.complete(store.claim("worker-a"), 2.0, 0.4);
            try (DashboardServer server = DashboardServer.start(store.data(), store.url, DashboardServer.LOOPBACK, 0)) {
                WebDriver driver = driver(chromium, chromedriver);
                try {
                    driver.get(server.uri() + "#live");
                    WebDriverWait wait = new WebDriverWait(driver, WAIT);
                    wait.until(d -> cell(d, "finished").equals("1") && cell(d, "running").equals("0")
                            && text(d, "#study-title").equals("Study live"));
                    ((JavascriptExecutor) driver).executeScript("window.__sameDocument = 'yes'");
                    // the hostile name is text in the table, not markup
                    assertThat(count(driver, "#studies img")).isZero();
                    assertThat(((JavascriptExecutor) driver).executeScript(
                            "return [...document.querySelectorAll('#studies a.open')].map(a => a.textContent)"))
                            .asList().contains(HOSTILE);

                    // one trial starts running and its worker stores its first evaluations; another finishes
                    dev.optbench.study.Claim b = store.claim("worker-b");
                    assertThat(store.writer.recordProgress(b, DashboardFixture.CURVE.subList(0, 2))).isTrue();
                    store.complete(store.claim("worker-c"), 4.0, 0.35);
                    String runningKey = "running " + b.optimizer() + "#" + b.index() + " at step ";

                    wait.until(d -> cell(d, "finished").equals("2") && cell(d, "running").equals("1")
                            && cell(d, "pending").equals("3")
                            && count(d, "#running tbody tr") == 1 && text(d, "#curve-legend").contains(runningKey + "50"));
                    // its curve grows without a reload as its worker stores the next evaluation
                    assertThat(store.writer.recordProgress(b, DashboardFixture.CURVE.subList(2, 4))).isTrue();
                    wait.until(d -> text(d, "#curve-legend").contains(runningKey + "100"));
                    assertThat(((JavascriptExecutor) driver).executeScript("return window.__sameDocument")).isEqualTo("yes");
                    assertThat(text(driver, "#running tbody tr")).contains("worker-b");
                    assertThat(cell(driver, "eta")).contains("from 2 finished trials and 1 running");
                    assertThat(((JavascriptExecutor) driver).executeScript("return window.__xss === undefined")).isEqualTo(true);
                    screenshot(driver, "dashboard-live.png");

                    // the report's figures of a chosen set: tick both studies, press the button
                    ((JavascriptExecutor) driver).executeScript(
                            "document.querySelectorAll('#studies input.pick').forEach(b => { b.checked = true; });"
                            + "document.getElementById('compare').click();");
                    wait.until(d -> text(d, "#figures-line").contains("figures of") && count(d, "#figure-list img") > 2
                            && (Boolean) ((JavascriptExecutor) d).executeScript("return [...document.querySelectorAll("
                                    + "'#figure-list img')].every(i => i.complete && i.naturalWidth > 0)"));
                    assertThat(text(driver, "#figures-line")).contains(HOSTILE).contains("live");
                    assertThat((String) ((JavascriptExecutor) driver).executeScript(
                            "return document.getElementById('report-link').getAttribute('href')"))
                            .startsWith("/report?study=").contains("study=live");
                    assertThat(((JavascriptExecutor) driver).executeScript("return window.__xss === undefined")).isEqualTo(true);
                } finally {
                    driver.quit();
                }
            }
        }
    }

    /** Read by one script, atomically: the page rebuilds its tables on every poll, so held elements go stale. */
    private static String cell(WebDriver d, String cls) {
        return text(d, "#studies tr[data-study='live'] td." + cls);
    }

    private static String text(WebDriver d, String css) {
        Object t = ((JavascriptExecutor) d).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : ''", css);
        return String.valueOf(t);
    }

    private static long count(WebDriver d, String css) {
        return (Long) ((JavascriptExecutor) d).executeScript("return document.querySelectorAll(arguments[0]).length", css);
    }

    private WebDriver driver(String chromium, String chromedriver) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1400", "--user-data-dir=" + Files.createTempDirectory(dir, "profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver driver, String name) throws Exception {
        String to = System.getProperty("optbench.screenshots");
        if (to != null) {
            byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.createDirectories(Path.of(to));
            Files.write(Path.of(to, name), png);
        }
    }

    private static String onPath(String... names) {
        for (String name : List.of(names)) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                    return Path.of(d, name).toString();
                }
            }
        }
        return null;
    }
}
