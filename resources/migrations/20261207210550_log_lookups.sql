-- Two lookups in the log that run often and find few events read just those through partial
-- indexes, not the whole log: every start of the app looks for the events an older version kept
-- aside, and every sync round for the events that name files. Equalities, not IN (...), for the
-- second: SQLite builds a temporary table for an IN list at every insert into events.
CREATE INDEX `events_deferred` ON `events` (`server_seq`) WHERE "events"."apply_status" = 'deferred';--> statement-breakpoint
CREATE INDEX `events_naming_files` ON `events` (`type`) WHERE "events"."type" = 'delivery.proved' OR "events"."type" = 'order.slip_attached' OR "events"."type" = 'supplier_invoice.uploaded';