DROP INDEX `orders_shop_status_placed`;--> statement-breakpoint
DROP INDEX `orders_factory_status_placed`;--> statement-breakpoint
DROP INDEX `orders_status_placed`;--> statement-breakpoint
DROP INDEX `orders_shop_placed`;--> statement-breakpoint
CREATE INDEX `orders_factory_placed` ON `orders` (`factory_id`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_placed` ON `orders` (`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_shop_status_placed` ON `orders` (`shop_id`,`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_factory_status_placed` ON `orders` (`factory_id`,`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_status_placed` ON `orders` (`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_shop_placed` ON `orders` (`shop_id`,`placed_at`,`id`);