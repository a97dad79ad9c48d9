package dev.container.jobs;

import dev.container.config.JobSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command job: runs argv as a process, its stdout and stderr line by line to the log (and the
 * last lines to the history), exit status 0 is success. Over its timeout, or when interrupted, the
 * process and every process it started get SIGTERM, then SIGKILL after a grace period: a shell
 * script's children do not outlive it.
 */
final class CommandTask implements Task {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** Between SIGTERM and SIGKILL: enough for a script to clean up, short enough for a prompt stop. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private final String name;
    private final JobSpec.RunCommand command;
    private final JobContext context;

    CommandTask(String name, JobSpec.RunCommand command, JobContext context) {
        this.name = name;
        this.command = command;
        this.context = context;
    }

    @Override
    public Outcome run(Duration timeout, JobExecutionContext quartz) throws InterruptedException {
        Path dir = command.dir().orElse(context.stateDir());
        ProcessBuilder builder = new ProcessBuilder(command.argv()).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(command.env());
        builder.environment().put("CONTAINER_JOB", name);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Outcome.failed("could not start " + command.argv().get(0) + ": " + e.getMessage(), "");
        }
        closeInput(process);
        Tail output = new Tail(Tail.DEFAULT_LIMIT);
        Thread reader = new Thread(() -> copy(process, output), "job-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                reader.join(KILL_GRACE.toMillis());
                return Outcome.timedOut("killed after " + timeout.toMillis() + " ms (pid " + process.pid() + ")", output.toString());
            }
        } catch (InterruptedException e) {
            kill(process);
            return Outcome.interrupted("stopped (pid " + process.pid() + ")", output.toString());
        }
        reader.join(KILL_GRACE.toMillis());
        int status = process.exitValue();
        return status == 0 ? Outcome.ok("exit 0", output.toString())
                : Outcome.failed("exit " + status, output.toString());
    }

    /** The job gets no input: a command that reads stdin sees its end at once instead of waiting. */
    private static void closeInput(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
    }

    private void copy(Process process, Tail output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                log.info("job {}: {}", name, line);
                output.append(line + "\n");
            }
        } catch (IOException e) {
            // the process was killed and its pipe closed under us: nothing more to read
        }
    }

    /**
     * SIGTERM to the process and its descendants, SIGKILL to whatever is left after the grace
     * period. The descendants are listed before the process dies: once it has, its children are
     * re-parented and no longer found through it.
     */
    static void kill(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        boolean interrupted = Thread.interrupted();
        while (System.nanoTime() < deadline && (process.isAlive() || tree.stream().anyMatch(CommandTask::alive))) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        List<ProcessHandle> late = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        late.forEach(ProcessHandle::destroyForcibly);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the process still runs. ProcessHandle counts a zombie as alive, and a killed
     * grandchild stays one until its new parent reaps it, which in a container's init may be never:
     * on Linux the state in /proc says which it is.
     */
    static boolean alive(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive(); // no /proc (not Linux), or it has just gone
        }
    }
}
