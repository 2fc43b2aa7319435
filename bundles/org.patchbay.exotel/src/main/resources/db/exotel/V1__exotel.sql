-- Exotel vendor bundle (org.patchbay.exotel): API accounts, the SIP users they own, and call resources.
-- Portable SQL: runs unchanged on H2 2.x and PostgreSQL.
CREATE TABLE pb_exotel_account (
    sid          VARCHAR(64)  PRIMARY KEY,
    name         VARCHAR(255) NOT NULL,
    api_key      VARCHAR(128) NOT NULL UNIQUE,
    -- pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>; the token itself is never stored
    token_hash   VARCHAR(255) NOT NULL,
    created      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Ownership only: the users themselves are Directory users (org.patchbay.core).
CREATE TABLE pb_exotel_user (
    aor          VARCHAR(320) PRIMARY KEY,
    account_sid  VARCHAR(64)  NOT NULL REFERENCES pb_exotel_account (sid) ON DELETE CASCADE,
    created      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per call-connect request (Exotel's call resource); call_id is the core's call.
CREATE TABLE pb_exotel_call (
    sid               VARCHAR(64)   PRIMARY KEY,
    account_sid       VARCHAR(64)   NOT NULL,
    call_id           VARCHAR(64),
    from_number       VARCHAR(320)  NOT NULL,
    to_number         VARCHAR(320)  NOT NULL,
    caller_id         VARCHAR(64)   NOT NULL,
    -- queued, ringing, in-progress, completed, busy, no-answer, failed, canceled
    status            VARCHAR(16)   NOT NULL,
    date_created      TIMESTAMP WITH TIME ZONE NOT NULL,
    date_updated      TIMESTAMP WITH TIME ZONE NOT NULL,
    end_time          TIMESTAMP WITH TIME ZONE,
    duration          INTEGER,
    status_callback   VARCHAR(2048),
    custom_field      VARCHAR(128),
    -- none, pending, sent, failed
    callback_state    VARCHAR(16)   NOT NULL,
    callback_attempts INTEGER       NOT NULL
);

CREATE INDEX pb_exotel_call_status_ix ON pb_exotel_call (status);
CREATE INDEX pb_exotel_call_callback_ix ON pb_exotel_call (callback_state);
CREATE INDEX pb_exotel_call_account_ix ON pb_exotel_call (account_sid, date_created);
