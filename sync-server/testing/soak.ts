// `npm run test:soak -- 5000`: the sync model tests with as many random runs as asked for,
// on SQLite and on PostgreSQL (two server processes).
import { spawnSync } from 'node:child_process';

const runs = Number(process.argv[2] ?? process.env['SOAK_RUNS'] ?? 2000);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(
    `test:soak: "${process.argv[2]}" is not a number of runs; try: npm run test:soak -- 2000`,
  );
  process.exit(2);
}
console.log(
  `soak: ${runs} model runs on SQLite and ${Math.ceil(runs / 4)} on PostgreSQL (two server processes)`,
);
const result = spawnSync(
  'npx',
  ['vitest', 'run', 'sync-server/sync.model.test.ts', 'sync-server/sync.postgres.test.ts'],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      SYNC_MODEL_RUNS: String(runs),
      SYNC_MODEL_PG_RUNS: String(Math.ceil(runs / 4)),
    },
  },
);
process.exit(result.status ?? 1);
