CREATE TABLE `refused_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`aggregate_id` text,
	`user_id` text NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`created_at` integer NOT NULL,
	`refused_at` integer NOT NULL,
	`payload` text NOT NULL
);
