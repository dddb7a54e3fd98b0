-- Each sync round looks for the files that applied events name and this PC lacks: it read every
-- event in the log (no index on type), a scan that grows with the PC's history. This index holds
-- only the events of the types that name files.
CREATE INDEX `events_naming_files` ON `events` (`type`) WHERE "events"."type" IN ('delivery.proved', 'order.slip_attached', 'supplier_invoice.uploaded');