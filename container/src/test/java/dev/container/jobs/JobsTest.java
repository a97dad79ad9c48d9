package dev.container.jobs;

import static dev.container.jobs.JobsFixture.assertOk;
import static dev.container.jobs.JobsFixture.awaitRuns;
import static dev.container.jobs.JobsFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.Samples;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each schedule form and job kind runs in a real container and records its runs. */
class JobsTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer start(String conf) throws Exception {
        Path file = config(dir, conf);
        server = TestServer.startWith(dir.resolve("state"), p -> p.configFile(file).listen("127.0.0.1:0"));
        return server;
    }

    @Test
    void every_job_runs_a_command_and_records_its_output_and_exit_status() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { hello { every = 1s, command = [sh, -c, "echo hello from $CONTAINER_JOB"] } }
                """);
        List<JobRun> runs = awaitRuns(server, "hello", 2, r -> r.result() == JobRun.Result.OK);
        assertThat(runs.get(0).detail()).isEqualTo("exit 0");
        assertThat(runs.get(0).output()).isEqualTo("hello from hello\n");
        assertThat(runs.get(0).manual()).isFalse();
        assertThat(server.container().jobs().status("hello").orElseThrow().nextFire()).isPresent();
    }

    @Test
    void command_runs_in_its_dir_with_its_env() throws Exception {
        Files.createDirectories(dir.resolve("work"));
        start("""
                static = [{ dir = site, create = true }]
                jobs { env { every = 1s, command { argv = [sh, -c, "pwd; echo $GREETING"], dir = work, env { GREETING = hi } } } }
                """);
        List<JobRun> runs = awaitRuns(server, "env", 1, r -> true);
        assertOk(runs.get(0));
        assertThat(runs.get(0).output()).isEqualTo(dir.resolve("work").toRealPath() + "\nhi\n");
    }

    @Test
    void quartz_cron_job_runs_every_second() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { tick { cron = "* * * * * ?", command = [true] } }
                """);
        List<JobRun> runs = awaitRuns(server, "tick", 2, r -> r.result() == JobRun.Result.OK);
        assertThat(server.container().jobs().status("tick").orElseThrow().schedule()).isEqualTo("cron * * * * * ?");
        assertThat(runs.get(0).start()).isAfter(runs.get(1).start());
    }

    @Test
    void unix_cron_job_is_scheduled_for_its_next_minute() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { minutely { cron = "* * * * *", command = [true] } }
                """);
        var next = server.container().jobs().status("minutely").orElseThrow().nextFire().orElseThrow();
        assertThat(next.getEpochSecond() % 60).isZero();
        assertThat(next).isBefore(java.time.Instant.now().plusSeconds(61));
    }

    @Test
    void non_zero_exit_is_a_failed_run() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { broken { every = 1s, command = [sh, -c, "echo oops >&2; exit 3"] } }
                """);
        JobRun run = awaitRuns(server, "broken", 1, r -> true).get(0);
        assertThat(run.result()).isEqualTo(JobRun.Result.FAILED);
        assertThat(run.detail()).isEqualTo("exit 3");
        assertThat(run.output()).isEqualTo("oops\n");
    }

    @Test
    void a_program_that_does_not_exist_is_a_failed_run() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { missing { every = 1s, command = [/no/such/program] } }
                """);
        JobRun run = awaitRuns(server, "missing", 1, r -> true).get(0);
        assertThat(run.result()).isEqualTo(JobRun.Result.FAILED);
        assertThat(run.detail()).startsWith("could not start /no/such/program");
    }

    @Test
    void http_job_calls_an_app_of_the_container_and_records_the_status() throws Exception {
        start("""
                apps = [{ war = "%s", path = /servlet }]
                jobs {
                  ping { every = 1s, http = "GET /servlet/hello" }
                  lost { every = 1s, http = /servlet/no-such-page }
                }
                """.formatted(Samples.servletWar()));
        JobRun ping = awaitRuns(server, "ping", 1, r -> true).get(0);
        assertOk(ping);
        assertThat(ping.detail()).isEqualTo("HTTP 200");
        assertThat(ping.output()).contains("Hello from the servlet sample");
        JobRun lost = awaitRuns(server, "lost", 1, r -> true).get(0);
        assertThat(lost.result()).isEqualTo(JobRun.Result.FAILED);
        assertThat(lost.detail()).isEqualTo("HTTP 404");
    }

    @Test
    void http_job_sends_its_method_headers_and_body() throws Exception {
        new WarBuilder().java("app.Echo", """
                package app;
                @jakarta.servlet.annotation.WebServlet("/echo")
                public class Echo extends jakarta.servlet.http.HttpServlet {
                    protected void service(jakarta.servlet.http.HttpServletRequest req,
                                           jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                        resp.getWriter().print(req.getMethod() + " " + req.getHeader("X-Token") + " "
                                + new String(req.getInputStream().readAllBytes(), "UTF-8"));
                    }
                }
                """).buildWar(dir.resolve("echo.war"));
        start("""
                apps = [echo.war]
                jobs { post { every = 1s, http { method = PUT, path = /echo/echo, headers { X-Token = secret }, body = "x=1" } } }
                """);
        JobRun run = awaitRuns(server, "post", 1, r -> true).get(0);
        assertOk(run);
        assertThat(run.output()).isEqualTo("PUT secret x=1");
    }

    @Test
    void http_job_reaches_a_named_virtual_host() throws Exception {
        Path a = Files.writeString(Files.createDirectories(dir.resolve("a")).resolve("who.txt"), "host a");
        Path b = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("who.txt"), "host b");
        start("""
                hosts { a { names = [a.example], default = true }, b { names = ["*.b.example", b.example] } }
                static = [{ dir = a, hosts = [a] }, { dir = b, hosts = [b] }]
                jobs { who { every = 1s, http { path = /who.txt, host = b, headers { X-Test = yes } } } }
                """);
        JobRun run = awaitRuns(server, "who", 1, r -> true).get(0);
        assertOk(run);
        assertThat(run.output()).isEqualTo("host b");
    }

    @Test
    void class_job_from_the_container_class_path_runs() throws Exception {
        int before = CountingJob.RUNS.get();
        start("""
                static = [{ dir = site, create = true }]
                jobs { count { every = 1s, class = dev.container.jobs.CountingJob } }
                """);
        awaitRuns(server, "count", 2, r -> r.result() == JobRun.Result.OK);
        assertThat(CountingJob.RUNS.get()).isGreaterThanOrEqualTo(before + 2);
    }

    @Test
    void quartz_job_class_sees_its_data_and_its_result_is_the_output() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { greet { every = 1s, class { name = dev.container.jobs.GreetingQuartzJob, data { who = world } } } }
                """);
        JobRun run = awaitRuns(server, "greet", 1, r -> true).get(0);
        assertOk(run);
        assertThat(run.output()).isEqualTo("hello world");
    }

    @Test
    void class_job_from_an_app_shares_the_apps_classes_and_state() throws Exception {
        Path war = new WarBuilder()
                .java("app.Tick", """
                        package app;
                        public class Tick implements Runnable {
                            public static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();
                            public void run() { RUNS.incrementAndGet(); }
                        }
                        """)
                .java("app.Ticks", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/ticks")
                        public class Ticks extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print(Tick.RUNS.get());
                            }
                        }
                        """)
                .buildWar(dir.resolve("ticker.war"));
        start("""
                apps = [ticker.war]
                jobs { tick { every = 1s, class { name = app.Tick, app = /ticker } } }
                """);
        awaitRuns(server, "tick", 2, r -> r.result() == JobRun.Result.OK);
        assertThat(Integer.parseInt(server.get("/ticker/ticks").body())).isGreaterThanOrEqualTo(2);
    }

    @Test
    void class_job_from_jars_runs() throws Exception {
        Path jar = dir.resolve("job.jar");
        Files.write(jar, new WarBuilder().java("lib.Hello", """
                package lib;
                public class Hello implements Runnable { public void run() { System.setProperty("lib.hello.ran", "yes"); } }
                """).buildJar());
        start("""
                static = [{ dir = site, create = true }]
                jobs { hello { every = 1s, class { name = lib.Hello, jars = [job.jar] } } }
                """);
        assertOk(awaitRuns(server, "hello", 1, r -> true).get(0));
        assertThat(System.getProperty("lib.hello.ran")).isEqualTo("yes");
    }

    @Test
    void a_throwing_job_is_recorded_and_the_others_go_on() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs {
                  throws { every = 1s, class = dev.container.jobs.ThrowingJob }
                  fine { every = 1s, command = [true] }
                }
                """);
        List<JobRun> failed = awaitRuns(server, "throws", 2, r -> r.result() == JobRun.Result.FAILED);
        assertThat(failed.get(0).detail()).isEqualTo("java.lang.IllegalStateException: this job always fails");
        awaitRuns(server, "fine", 2, r -> r.result() == JobRun.Result.OK);
        assertThat(server.get("/").statusCode()).isEqualTo(404); // still serving
    }

    @Test
    void a_hanging_class_job_times_out_and_its_next_runs_are_skipped_until_it_ends() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { hangs { every = 1s, timeout = 500ms, class = dev.container.jobs.StubbornJob } }
                """);
        List<JobRun> runs = awaitRuns(server, "hangs", 1, r -> r.result() == JobRun.Result.SKIPPED);
        JobRun timedOut = runs.stream().filter(r -> r.result() == JobRun.Result.TIMED_OUT).findFirst().orElseThrow();
        assertThat(timedOut.detail()).isEqualTo("interrupted after 500 ms; still running");
    }

    @Test
    void a_command_over_its_timeout_is_killed_with_its_children() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { slow { every = 1h, timeout = 1s, command = [sh, -c, "sleep 60 & echo $! > child.pid; wait"] } }
                """);
        JobRun run = awaitRuns(server, "slow", 1, r -> true).get(0);
        assertThat(run.result()).isEqualTo(JobRun.Result.TIMED_OUT);
        assertThat(run.detail()).startsWith("killed after 1000 ms");
        long child = Long.parseLong(Files.readString(dir.resolve("state/child.pid")).trim());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.of(child).map(CommandTask::alive).orElse(false) && System.nanoTime() < deadline) {
            JobsFixture.sleep(50);
        }
        assertThat(ProcessHandle.of(child).map(CommandTask::alive).orElse(false)).as("child %d alive", child).isFalse();
    }

    @Test
    void runs_of_one_job_never_overlap() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { long { every = 500ms, command = [sh, -c, "sleep 1"] } }
                """);
        List<JobRun> runs = awaitRuns(server, "long", 3, r -> r.result() == JobRun.Result.OK).stream()
                .sorted(Comparator.comparing(JobRun::start)).toList();
        for (int i = 1; i < runs.size(); i++) {
            JobRun previous = runs.get(i - 1);
            assertThat(runs.get(i).start()).as("run %d starts after run %d ended", i, i - 1)
                    .isAfterOrEqualTo(previous.start().plus(previous.duration()));
        }
    }

    @Test
    void delay_holds_the_first_run_back() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { later { every = 1s, delay = 1h, command = [true] } }
                """);
        var next = server.container().jobs().status("later").orElseThrow().nextFire().orElseThrow();
        assertThat(next).isAfter(java.time.Instant.now().plusSeconds(3500));
    }

    @Test
    void history_keeps_the_latest_runs_only() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { short { every = 200ms, history = 2, command = [true] } }
                """);
        awaitRuns(server, "short", 2, r -> true);
        JobsFixture.sleep(700);
        assertThat(server.container().jobs().status("short").orElseThrow().runs()).hasSize(2);
    }

    @Test
    void jobs_from_the_command_line_run() throws Exception {
        server = TestServer.start(dir.resolve("state"), p -> p.war(Samples.servletWar().toString())
                .job("ping every 1s http /servlet/hello").job("echo every 1s command echo 'two words'"));
        assertThat(awaitRuns(server, "ping", 1, r -> true).get(0).detail()).isEqualTo("HTTP 200");
        assertThat(awaitRuns(server, "echo", 1, r -> true).get(0).output()).isEqualTo("two words\n");
    }

    @Test
    void stopping_the_container_stops_a_running_command() throws Exception {
        start("""
                static = [{ dir = site, create = true }]
                jobs { sleeper { every = 1h, command = [sh, -c, "echo $$ > sleeper.pid; exec sleep 60"] } }
                """);
        Path pidFile = dir.resolve("state/sleeper.pid");
        long deadline = System.nanoTime() + JobsFixture.WAIT.toNanos();
        while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < deadline) {
            JobsFixture.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Jobs jobs = server.container().jobs();
        server.close();
        server = null;
        assertThat(ProcessHandle.of(pid).map(CommandTask::alive).orElse(false)).isFalse();
        assertThat(jobs.status("sleeper").orElseThrow().runs().get(0).result()).isEqualTo(JobRun.Result.INTERRUPTED);
    }
}
