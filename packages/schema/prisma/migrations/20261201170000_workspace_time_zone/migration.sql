-- The workspace's IANA time zone (default UTC). UsageDaily."day" is the calendar day in that zone
-- (its rows so far were keyed by UTC day, which is the day in the default zone: they stay valid).
ALTER TABLE "Workspace" ADD COLUMN "timeZone" TEXT NOT NULL DEFAULT 'UTC';
