-- HTTP sessions of the apps that declare <distributable/> (dev.container.sessions.SessionTable):
-- one row a session, any node reads and writes it.
CREATE TABLE container_sessions (
    -- the app: its hosts and context path as the log names it ("/shop", "shop,www:/")
    app          text        NOT NULL,
    id           text        NOT NULL,
    created      timestamptz NOT NULL,
    -- the start of the last request that came with the session (written at most every few seconds)
    last_access  timestamptz NOT NULL,
    -- seconds; 0 or less: the session never expires
    max_inactive integer     NOT NULL,
    -- last_access + max_inactive, NULL when it never expires: what the sweeper looks for
    expires      timestamptz,
    -- the attributes, each Java-serialized on its own (SessionAttributes)
    attributes   bytea       NOT NULL,
    PRIMARY KEY (app, id)
);

CREATE INDEX container_sessions_expires ON container_sessions (app, expires) WHERE expires IS NOT NULL;
