CREATE TABLE `supplier_invoice_lines` (
	`invoice_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`variant_id` text,
	`supplier_item_id` text,
	`supplier_code` text,
	`description` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price` integer NOT NULL,
	`amount` integer NOT NULL,
	`unit_cost_company` integer NOT NULL,
	`price_before` integer,
	`posted_at` integer NOT NULL,
	`credit` integer NOT NULL,
	PRIMARY KEY(`invoice_id`, `line_no`)
);
--> statement-breakpoint
CREATE INDEX `supplier_invoice_lines_variant` ON `supplier_invoice_lines` (`variant_id`,`posted_at`);--> statement-breakpoint
CREATE TABLE `supplier_invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`branch_id` text NOT NULL,
	`file_hash` text,
	`mime` text,
	`size` integer,
	`original_name` text,
	`uploaded_by` text,
	`uploaded_at` integer,
	`status` text NOT NULL,
	`reading` text,
	`read_at` integer,
	`read_error` text,
	`kind` text,
	`supplier_id` text,
	`number` text,
	`number_key` text,
	`invoice_date` text,
	`currency_code` text,
	`rate` text,
	`subtotal` integer,
	`tax` integer,
	`total` integer,
	`total_company` integer,
	`order_id` text,
	`posted_at` integer,
	`posted_by` text,
	`reversed_at` integer,
	`reversed_by` text,
	`reverse_reason` text
);
--> statement-breakpoint
CREATE INDEX `supplier_invoices_status` ON `supplier_invoices` (`status`,`uploaded_at`);--> statement-breakpoint
CREATE INDEX `supplier_invoices_file` ON `supplier_invoices` (`file_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `supplier_invoices_posted_number` ON `supplier_invoices` (`supplier_id`,`number_key`) WHERE status = 'posted';