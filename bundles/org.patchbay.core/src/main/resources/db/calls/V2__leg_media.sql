-- Each leg's final media statistics, as the media engine saw them when the leg ended; all NULL for a leg the engine
-- did not anchor (no media engine, anchoring off, a leg that never got an endpoint).
ALTER TABLE pb_call_leg ADD COLUMN codec VARCHAR(64);
ALTER TABLE pb_call_leg ADD COLUMN packets_in BIGINT;
ALTER TABLE pb_call_leg ADD COLUMN bytes_in BIGINT;
ALTER TABLE pb_call_leg ADD COLUMN packets_out BIGINT;
ALTER TABLE pb_call_leg ADD COLUMN bytes_out BIGINT;
ALTER TABLE pb_call_leg ADD COLUMN lost BIGINT;
ALTER TABLE pb_call_leg ADD COLUMN jitter_ms DOUBLE PRECISION;
ALTER TABLE pb_call_leg ADD COLUMN rtt_ms DOUBLE PRECISION;
ALTER TABLE pb_call_leg ADD COLUMN srtp BOOLEAN;
