// Opens an enrolled branch PC's folder for the crash tests (in their child processes, and again
// in the test once they are killed): its core, and a sync engine talking to head office over
// real HTTP.
import { BranchCore } from '../../core/runtime';
import { SyncEngine, type SyncEngineOptions } from '../../core/sync/engine';
import { HttpSyncTransport } from '../../core/sync/http';

export function openChildPc(
  dir: string,
  base: string,
  token: string,
  options: SyncEngineOptions = {},
): { core: BranchCore; engine: SyncEngine } {
  const core = new BranchCore(dir);
  const device = core.context().device;
  if (!device) throw new Error(`the PC in ${dir} is not enrolled`);
  const transport = new HttpSyncTransport({ baseUrl: base, token });
  return { core, engine: new SyncEngine(core.db, core.files, device.id, transport, options) };
}
