CREATE TABLE `conflict_resolutions` (
	`event_id` text PRIMARY KEY NOT NULL,
	`resolved_at` integer NOT NULL,
	`resolved_by` text NOT NULL,
	`note` text NOT NULL,
	`resolution_event_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `conflicts` (
	`event_id` text PRIMARY KEY NOT NULL,
	`aggregate_id` text,
	`event_type` text NOT NULL,
	`branch_id` text NOT NULL,
	`user_id` text NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conflicts_aggregate` ON `conflicts` (`aggregate_id`);--> statement-breakpoint
ALTER TABLE `events` ADD `received_hlc` text;--> statement-breakpoint
ALTER TABLE `events` ADD `apply_status` text DEFAULT 'applied' NOT NULL;--> statement-breakpoint
CREATE INDEX `events_pending` ON `events` (`device_id`,`server_seq`,`seq`);