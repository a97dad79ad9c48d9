-- The state the nodes of a cluster share (dev.container.storage.PostgresStorage). Made by the
-- server at start, through Flyway (history in container_schema_history); never edit an applied
-- migration: add V<n>__what.sql instead. V2 is kept for Quartz's job store tables.

-- Named blobs: certificates, ACME accounts, challenge tokens. Secrets (private keys) are
-- encrypted by the node before they get here (AES-256-GCM with the storage key): secret = true.
-- Names compare bytewise (COLLATE "C"), so a prefix search uses the primary key's index.
CREATE TABLE container_blobs (
    name     text COLLATE "C" PRIMARY KEY,
    content  bytea NOT NULL,
    secret   boolean NOT NULL DEFAULT false,
    modified timestamptz NOT NULL DEFAULT now()
);

-- One row per running node, its heartbeat: last_seen is set every few seconds by the node;
-- a node stopped cleanly removes its row, a dead one's row ages and is removed after a day.
CREATE TABLE container_nodes (
    id        text PRIMARY KEY,
    host      text NOT NULL,
    pid       bigint NOT NULL,
    version   text NOT NULL,
    started   timestamptz NOT NULL,
    last_seen timestamptz NOT NULL
);
