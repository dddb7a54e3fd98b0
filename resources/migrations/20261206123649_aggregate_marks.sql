CREATE TABLE `aggregate_marks` (
	`source` text PRIMARY KEY NOT NULL,
	`mark` integer NOT NULL
);
