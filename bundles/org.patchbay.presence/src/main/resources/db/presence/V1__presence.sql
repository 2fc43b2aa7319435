-- Presence: published states (RFC 3903 event state, one row per entity tag) and the SIP subscriptions the node
-- serves (RFC 6665), so that both survive a restart. Portable SQL for H2 and PostgreSQL.
CREATE TABLE pb_presence_pub (
    aor        VARCHAR(320)  NOT NULL,
    id         VARCHAR(64)   NOT NULL,
    source     VARCHAR(32)   NOT NULL,
    basic      VARCHAR(8)    NOT NULL,
    status     VARCHAR(32)   NOT NULL,
    activities VARCHAR(512)  NOT NULL,
    note       VARCHAR(1024) NOT NULL,
    updated    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pb_presence_pub_pk PRIMARY KEY (aor, id)
);

CREATE INDEX pb_presence_pub_expires_ix ON pb_presence_pub (expires);

CREATE TABLE pb_presence_sub (
    id            VARCHAR(64)   NOT NULL PRIMARY KEY,
    event         VARCHAR(32)   NOT NULL,
    target        VARCHAR(320)  NOT NULL,
    watcher       VARCHAR(320)  NOT NULL,
    call_id       VARCHAR(256)  NOT NULL,
    local_tag     VARCHAR(128)  NOT NULL,
    remote_tag    VARCHAR(128)  NOT NULL,
    local_uri     VARCHAR(512)  NOT NULL,
    remote_uri    VARCHAR(512)  NOT NULL,
    remote_target VARCHAR(512)  NOT NULL,
    source        VARCHAR(64)   NOT NULL,
    transport     VARCHAR(8)    NOT NULL,
    cseq          BIGINT        NOT NULL,
    created       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires       TIMESTAMP WITH TIME ZONE NOT NULL
);
