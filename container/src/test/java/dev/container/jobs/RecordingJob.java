package dev.container.jobs;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;

/**
 * A class job for the cluster tests: writes a row (job, the node that runs it, the firing's
 * scheduled time) to the table {@code witness} of the database its data names ({@code url},
 * {@code user}, {@code password}), then sleeps {@code sleep} milliseconds if told to, until interrupted.
 * The witness is the job's own account of where and when it ran, beside the container's history.
 */
public class RecordingJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
        JobDataMap data = context.getMergedJobDataMap();
        try (Connection c = DriverManager.getConnection(data.getString("url"), data.getString("user"), data.getString("password"));
             PreparedStatement s = c.prepareStatement("INSERT INTO witness (job, node, scheduled, recovering) VALUES (?, ?, ?, ?)")) {
            s.setString(1, context.getJobDetail().getKey().getName());
            s.setString(2, context.getScheduler().getSchedulerInstanceId());
            s.setObject(3, context.getScheduledFireTime().toInstant().atOffset(ZoneOffset.UTC));
            s.setBoolean(4, context.isRecovering());
            s.executeUpdate();
        } catch (SQLException | SchedulerException e) {
            throw new IllegalStateException("cannot write the witness row: " + e.getMessage(), e);
        }
        String sleep = data.getString("sleep");
        if (sleep != null) {
            try {
                Thread.sleep(Long.parseLong(sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
