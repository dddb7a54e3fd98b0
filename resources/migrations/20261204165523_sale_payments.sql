CREATE TABLE `sale_payments` (
	`sale_id` text NOT NULL,
	`pay_no` integer NOT NULL,
	`method` text NOT NULL,
	`amount` integer NOT NULL,
	`tendered` integer,
	`reference` text,
	PRIMARY KEY(`sale_id`, `pay_no`),
	FOREIGN KEY (`sale_id`) REFERENCES `sales`(`id`) ON UPDATE no action ON DELETE no action
);
