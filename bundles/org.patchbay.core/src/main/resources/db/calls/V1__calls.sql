-- Call records (CDRs): one row per finished call, one row per leg that took part.
CREATE TABLE pb_call (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    caller      VARCHAR(512) NOT NULL,
    callee      VARCHAR(512) NOT NULL,
    started     TIMESTAMP WITH TIME ZONE NOT NULL,
    answered    TIMESTAMP WITH TIME ZONE,
    ended       TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_ms BIGINT       NOT NULL,
    end_reason  VARCHAR(32)  NOT NULL,
    ended_by    VARCHAR(16)  NOT NULL,
    code        INTEGER      NOT NULL
);

CREATE INDEX pb_call_ended_ix ON pb_call (ended);

CREATE TABLE pb_call_leg (
    call_id VARCHAR(64)  NOT NULL REFERENCES pb_call (id) ON DELETE CASCADE,
    seq     INTEGER      NOT NULL,
    leg_id  VARCHAR(80)  NOT NULL,
    adapter VARCHAR(32)  NOT NULL,
    party   VARCHAR(512) NOT NULL,
    role    VARCHAR(16)  NOT NULL,
    outcome VARCHAR(128) NOT NULL,
    CONSTRAINT pb_call_leg_pk PRIMARY KEY (call_id, seq)
);
