DROP INDEX `work_credits_day`;--> statement-breakpoint
CREATE INDEX `work_credits_day` ON `work_credits` (`kind`,`day`,`voids`,`value`,`person_id`,`ref`);