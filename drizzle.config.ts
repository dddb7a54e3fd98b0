import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './core/db/schema.ts',
  out: './resources/migrations',
  casing: 'snake_case',
  migrations: { prefix: 'timestamp' },
});
