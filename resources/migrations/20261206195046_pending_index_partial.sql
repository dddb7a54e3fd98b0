-- The index of events still to push holds only those (server_seq IS NULL): every pulled event,
-- numbered by head office, used to enter it too, at a cost of about 3% of writing a pulled page.
DROP INDEX `events_pending`;--> statement-breakpoint
CREATE INDEX `events_pending` ON `events` (`device_id`,`seq`) WHERE "events"."server_seq" IS NULL;