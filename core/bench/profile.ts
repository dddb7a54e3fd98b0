// CPU profiles of one benchmark phase: `BENCH_PROFILE=<phase>` writes <phase>.cpuprofile (open it
// in Chrome DevTools) and prints the functions that took the most time of their own. A phase
// named server-<phase> is profiled in the sync benchmark's server process.
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';

const wanted = process.env['BENCH_PROFILE'] ?? '';

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((ok, fail) =>
    session.post(method, params ?? {}, (error, result) => (error ? fail(error) : ok(result as T))),
  );
}

/** Runs `work`; profiles it when BENCH_PROFILE names this phase. */
export async function profiled<T>(phase: string, work: () => Promise<T>): Promise<T> {
  if (wanted !== phase) return work();
  const stop = await startProfile();
  try {
    return await work();
  } finally {
    await stop(phase);
  }
}

/** Starts the CPU profiler of this process; the function returned stops it and writes the file. */
export async function startProfile(): Promise<(name: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
  await post(session, 'Profiler.start');
  return async (name) => {
    const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
    session.disconnect();
    const file = `${name}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    console.log(`profile of ${name} written to ${file}; most time of their own:`);
    for (const line of topSelf(profile, 25)) console.log(`  ${line}`);
  };
}

function topSelf(profile: Profiler.Profile, n: number): string[] {
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples?.length ?? 1;
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`;
    byName.set(key, (byName.get(key) ?? 0) + (hits.get(node.id) ?? 0));
  }
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${((count * 100) / total).toFixed(1).padStart(5)}%  ${name}`);
}
