package dev.container.jobs;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** An org.quartz.Job: reads its data map and sets a result, which the history shows as output. */
public class GreetingQuartzJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
        context.setResult("hello " + context.getMergedJobDataMap().getString("who"));
    }
}
