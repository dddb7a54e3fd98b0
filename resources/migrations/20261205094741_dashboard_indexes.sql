DROP INDEX `sales_by_hour_branch`;--> statement-breakpoint
CREATE INDEX `sales_by_hour_branch` ON `sales_by_hour` (`branch_id`,`day`,`amount`,`returned_amount`,`tickets`);--> statement-breakpoint
DROP INDEX `sales_by_month_branch`;--> statement-breakpoint
CREATE INDEX `sales_by_month_branch` ON `sales_by_month` (`branch_id`,`variant_id`,`month`,`qty`,`returned_qty`,`amount`,`returned_amount`);