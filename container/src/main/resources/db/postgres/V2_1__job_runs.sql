-- The runs of a cluster's scheduled jobs (dev.container.jobs.RunTable): the node that runs a job
-- adds a row when the run starts and completes it when the run ends, so that `container jobs` and
-- GET /jobs on any node show every node's runs. Each job keeps its latest `history` finished runs.
CREATE TABLE container_job_runs
(
  id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job       VARCHAR(200) NOT NULL,
  node      VARCHAR(200) NOT NULL,
  -- when the firing was due (a rerun after a node's death: the original firing's time)
  scheduled TIMESTAMPTZ  NOT NULL,
  started   TIMESTAMPTZ  NOT NULL,
  -- null while it runs (or until the cluster notices that its node died)
  ended     TIMESTAMPTZ  NULL,
  -- ok, failed, timed-out, interrupted or skipped; null while it runs
  outcome   VARCHAR(16)  NULL,
  detail    TEXT         NOT NULL DEFAULT '',
  -- the end of its output: a few thousand characters at most
  output    TEXT         NOT NULL DEFAULT '',
  -- started by `container jobs run NAME`
  manual    BOOLEAN      NOT NULL,
  -- run again on another node after the node running it died
  recovered BOOLEAN      NOT NULL
);

CREATE INDEX container_job_runs_job ON container_job_runs (job, id);
CREATE INDEX container_job_runs_running ON container_job_runs (node) WHERE ended IS NULL;
