-- Every start of the app looks for the events an older version kept aside (applyDeferred): it read
-- every event in the log through the server-order index. This index holds only those.
CREATE INDEX `events_deferred` ON `events` (`server_seq`) WHERE "events"."apply_status" = 'deferred';