CREATE INDEX `order_lines_variant` ON `order_lines` (`variant_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `orders_total` ON `orders` (`total`);