package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.v156.network.Network;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium with both paths given, so Selenium Manager never runs and nothing is downloaded),
 * against the packaged jar running the demo's configuration: the start-up log's one-time link
 * logs in; the page lists the demo's five apps and three jobs; "Run now" adds a run to the job's
 * history; a refused reload shows the problem's file and line; a POST with the cookie from another
 * origin (the demo's own site, which the browser treats as the same site) is refused. It saves
 * screenshots at desktop and phone widths in target/screenshots (docs/dashboard*.png are copies).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");
    private static final Pattern DASHBOARD = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+/\\?login=[0-9a-f]+)");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Path config;
    private static String original;
    private static Process process;
    private static final List<String> output = new CopyOnWriteArrayList<>();
    private static URI site;
    private static URI link;
    private static ChromeDriver browser;
    private static DevTools devTools;
    /** The status of each response the browser received, by URL. */
    private static final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian packages chromium and chromium-driver)");
        // the demo's config in a directory of its own, to break it on purpose: its relative paths made
        // absolute (the WARs this build made, the samples' site and users), each on its own line still
        Path conf = Files.createDirectories(dir.resolve("conf"));
        config = conf.resolve("demo.conf");
        Path samples = Path.of(System.getProperty("conf.dir"), "..", "samples").toAbsolutePath().normalize();
        original = Files.readString(Path.of(System.getProperty("conf.dir"), "demo.conf"))
                .replaceAll("\\.\\./samples/(\\w+)/target/(\\w+\\.war)",
                        Matcher.quoteReplacement(System.getProperty("samples.dir")) + "/$2")
                .replace("../samples/", samples + "/");
        Files.writeString(config, original);
        startDemo();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--hide-scrollbars",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        devTools = browser.getDevTools();
        devTools.createSession();
        devTools.send(Network.enable(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()));
        devTools.addListener(Network.responseReceived(),
                r -> statuses.put(r.getResponse().getUrl(), r.getResponse().getStatus()));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (process != null) {
                new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start().waitFor();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private static void startDemo() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar"), "run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CONTAINER_PORT", "0");
        builder.environment().put("CONTAINER_HTTPS_PORT", "0");
        builder.environment().put("CONTAINER_STATE", Files.createDirectories(dir.resolve("state")).toString());
        process = builder.start();
        var ready = new CompletableFuture<Void>();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    Matcher listening = LISTENING.matcher(line);
                    if (listening.find()) {
                        site = URI.create("http://127.0.0.1:" + listening.group(1) + "/");
                    }
                    Matcher dashboard = DASHBOARD.matcher(line);
                    if (dashboard.find()) {
                        link = URI.create(dashboard.group(1));
                    }
                    if (line.contains("ready in") && site != null && link != null) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new AssertionError("demo exited before ready:\n" + String.join("\n", output)));
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        ready.get(120, TimeUnit.SECONDS);
    }

    private static URI admin() {
        return link.resolve("/");
    }

    /** What condition gives once it gives something (not null, not false), asked every 100 ms up to WAIT. */
    private static <T> T until(Function<WebDriver, T> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = condition.apply(browser);
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (WebDriverException | IndexOutOfBoundsException e) { // the page re-rendered under us
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not within " + WAIT.toSeconds() + " s; the page:\n"
                + browser.findElement(By.tagName("body")).getText(), last);
    }

    private static List<String> column(String section, int index) {
        return browser.findElements(By.cssSelector("#" + section + " tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")).get(index).getText()).toList();
    }

    private static int manualRuns(String job) {
        return browser.findElements(By.xpath("//section[@id='jobs']//tr[td[1]/strong[text()='" + job
                + "']]//li[contains(@class,'manual')]")).size();
    }

    private JsonNode api(String path) throws Exception {
        String token = JSON.readTree(dir.resolve("state/admin.json").toFile()).path("token").asText();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(admin().resolve(path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(answer.body());
    }

    @Test
    @Order(1)
    void the_one_time_link_logs_in_and_the_page_lists_the_demos_five_apps_and_three_jobs() {
        browser.get(link.toString());
        assertThat(browser.getCurrentUrl()).as("redirected without the secret").isEqualTo(admin().toString());
        assertThat(browser.manage().getCookieNamed("container-admin-" + admin().getPort()).isHttpOnly()).isTrue();

        until(d -> column("apps", 0).size() == 5 && column("apps", 1).stream().allMatch("running"::equals));
        assertThat(column("apps", 0)).extracting(cell -> cell.lines().findFirst().orElse(""))
                .containsExactly("/servlet", "/jaxrs", "/spring", "/boot", "/faces");
        until(d -> column("jobs", 0).size() == 3);
        assertThat(column("jobs", 0)).containsExactlyInAnyOrder("clock", "tick", "boot-status");
        assertThat(column("jobs", 1)).contains("every 4s", "every 30s");
        assertThat(column("listeners", 0)).hasSize(2).first().isEqualTo("http://localhost:" + site.getPort() + "/");
        assertThat(column("listeners", 0).get(1)).matches("https://localhost:\\d+/"); // the local CA's HTTPS
        assertThat(column("certificates", 0)).anySatisfy(name -> assertThat(name).contains("localhost"));

        // the link is spent: a second browser session gets nowhere with it
        browser.manage().deleteAllCookies();
        browser.get(link.toString());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("This login link is spent");
    }

    /** A fresh session, through a link made with the token (what container dashboard does). */
    private void logIn() throws Exception {
        String token = JSON.readTree(dir.resolve("state/admin.json").toFile()).path("token").asText();
        HttpResponse<String> made = http.send(HttpRequest.newBuilder(admin().resolve("dashboard/link"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(made.statusCode()).isEqualTo(201);
        browser.get(JSON.readTree(made.body()).path("url").asText());
        assertThat(browser.getCurrentUrl()).isEqualTo(admin().toString());
        until(d -> column("jobs", 0).size() == 3);
    }

    @Test
    @Order(2)
    void run_now_adds_a_run_to_the_jobs_history() throws Exception {
        logIn();
        int before = manualRuns("boot-status");
        browser.findElement(By.cssSelector("button.run[data-job='boot-status']")).click();
        until(d -> manualRuns("boot-status") == before + 1);
        WebElement history = browser.findElement(By.xpath(
                "//section[@id='jobs']//tr[td[1]/strong[text()='boot-status']]//details"));
        history.findElement(By.tagName("summary")).click();
        assertThat(history.findElement(By.cssSelector("li.manual")).getText()).contains("ok").contains("HTTP 200")
                .contains("(by hand)");
        assertThat(api("jobs/boot-status").path("runs")).anyMatch(r -> r.path("manual").asBoolean());
    }

    @Test
    @Order(3)
    void a_refused_reload_shows_the_problems_file_and_line() throws Exception {
        logIn();
        String broken = original + (original.endsWith("\n") ? "" : "\n") + "# broken on purpose\nlistners = []\n";
        int line = (int) broken.lines().count();
        Files.writeString(config, broken);
        try {
            browser.findElement(By.id("reload")).click();
            WebElement banner = until(d -> {
                WebElement b = d.findElement(By.id("banner"));
                return b.getText().contains("Reload refused") ? b : null;
            });
            List<String> places = banner.findElements(By.cssSelector("ul.problems li code")).stream()
                    .map(WebElement::getText).toList();
            assertThat(places).contains(config + ":" + line);
            assertThat(banner.getText()).contains("listners");
            assertThat(api("apps").path("apps")).hasSize(5); // the running configuration stays
        } finally {
            Files.writeString(config, original);
        }
        browser.findElement(By.id("banner")).click(); // dismissed
        browser.findElement(By.id("reload")).click();
        until(d -> d.findElement(By.id("banner")).getText().startsWith("Reloaded"));
    }

    @Test
    @Order(4)
    void a_post_with_the_cookie_from_another_origin_is_refused() throws Exception {
        logIn();
        long before = countManual(api("jobs/boot-status"));
        // the demo's own site: another origin, but the same site (127.0.0.1), so the browser sends the cookie
        browser.get(site.toString());
        String target = admin().resolve("jobs/boot-status/run").toString();
        Object sent = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0], {method: 'POST', credentials: 'include', mode: 'no-cors'})"
                        + ".then(() => done('sent'), e => done('failed: ' + e));", target);
        assertThat(sent).isEqualTo("sent");
        until(d -> statuses.containsKey(target));
        // 403, not 401: the cookie came with it and was known, the origin was not the admin channel's
        assertThat(statuses.get(target)).isEqualTo(403);
        assertThat(countManual(api("jobs/boot-status"))).as("no run by hand was added").isLessThanOrEqualTo(before);
    }

    private static long countManual(JsonNode job) {
        long n = 0;
        for (JsonNode run : job.path("runs")) {
            n += run.path("manual").asBoolean() ? 1 : 0;
        }
        return n;
    }

    @Test
    @Order(5)
    @SuppressWarnings("unchecked")
    void certificates_are_amber_under_30_days_red_under_7_or_failing_and_server_text_stays_text() throws Exception {
        logIn();
        // the demo serves plain HTTP only: the page's own renderer, given certificates as the API shows them
        List<Object> rows = (List<Object>) ((JavascriptExecutor) browser).executeScript("""
                renderCertificates([
                  {name: '<img src=x onerror="window.pwned=1">', names: [], daysLeft: 20, state: 'valid',
                   source: 'files', issuer: '<b>CA</b>', acme: null},
                  {name: 'b.example', names: [], daysLeft: 5, state: 'valid', source: 'acme', issuer: 'CA', acme: {}},
                  {name: 'c.example', names: [], daysLeft: 60, state: 'failing', source: 'acme', issuer: 'CA',
                   acme: {lastError: 'urn:ietf:params:acme:error:dns: no such name'}},
                  {name: 'd.example', names: [], daysLeft: 90, state: 'valid', source: 'acme', issuer: 'CA', acme: {}}]);
                return [...document.querySelectorAll('#certificates tbody tr')].map(r =>
                  [r.cells[0].textContent, r.querySelector('[data-days] .badge').className, r.cells[4].textContent])
                  .concat([[String(document.querySelectorAll('#certificates img, #certificates b').length),
                            String(window.pwned)]]);
                """);
        assertThat(rows).containsExactly(
                (Object) List.of("<img src=x onerror=\"window.pwned=1\">", "badge days-amber", "<b>CA</b>"),
                List.of("b.example", "badge days-red", "CA"),
                List.of("c.example", "badge days-red", "CA"),
                List.of("d.example", "badge s-valid", "CA"),
                List.of("0", "undefined"));
    }

    @Test
    @Order(6)
    void at_phone_width_it_is_one_column_without_sideways_scrolling_and_screenshots_are_saved() throws Exception {
        logIn();
        for (int i = 0; i < 20; i++) { // some traffic, for a request rate on the picture
            for (String path : List.of("servlet/hello", "jaxrs/api/greeting", "spring/hello", "boot/api/status", "faces/")) {
                http.send(HttpRequest.newBuilder(site.resolve(path)).build(), HttpResponse.BodyHandlers.discarding());
            }
            Thread.sleep(150);
        }
        until(d -> column("apps", 2).stream().anyMatch(rate -> rate.endsWith("/s") && !rate.equals("0.0/s")));
        Path shots = Files.createDirectories(Path.of(System.getProperty("container.jar")).resolveSibling("screenshots"));
        screenshot(1280, shots.resolve("dashboard.png"));

        browser.manage().window().setSize(new Dimension(390, 844));
        until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return window.innerWidth")).intValue() < 600);
        JavascriptExecutor js = browser;
        List<?> lefts = (List<?>) js.executeScript(
                "return [...document.querySelectorAll('main > section')].map(s => Math.round(s.getBoundingClientRect().left))");
        assertThat(lefts).hasSize(5).allMatch(left -> left.equals(lefts.get(0)));
        assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth - window.innerWidth")).intValue())
                .as("no sideways scrolling").isLessThanOrEqualTo(0);
        assertThat(browser.findElement(By.cssSelector("button.run[data-job='clock']")).isDisplayed()).isTrue();
        screenshot(390, shots.resolve("dashboard-phone.png"));
    }

    /** The whole page at that width, in one picture. */
    private static void screenshot(int width, Path file) throws IOException {
        JavascriptExecutor js = browser;
        browser.manage().window().setSize(new Dimension(width, 900));
        int height = ((Number) js.executeScript(
                "return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight")).intValue();
        browser.manage().window().setSize(new Dimension(width, height));
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }
}
