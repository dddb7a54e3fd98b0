// An installation as a list of steps: shown in full with --dry-run, run one by one otherwise,
// and checked by tests on any platform without touching the machine.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ENTRIES } from '../package/layout';

/** What the server needs at run time from a checkout; tsx comes from node_modules with the rest. */
export const APP_ENTRIES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'core',
  'sync-server',
  'resources',
  'node_modules',
];

/** How a service runs the server from its app folder. */
export interface ServerLaunch {
  /** What is copied into the app folder. */
  entries: string[];
  /** Node's arguments before the server's own options; paths relative to the app folder. */
  args: string[];
}

/**
 * Node's options for every server process, the services' and the sync benchmark's alike: V8's
 * young generation is 32 MB a semi-space from the start (by default it starts at 1 MB and grows
 * to 16 MB as a process's own traffic asks). A push allocates about a megabyte per request body:
 * three processes sharing a burst each kept a smaller one longer and used more CPU together than
 * one did, and one process taking ten shops' pushes spent about 8% less CPU per event with 32 MB
 * than with 16 MB (decision 0013). The two semi-spaces take up to 32 MB more memory.
 */
export const SERVER_NODE_OPTIONS = ['--min-semi-space-size=32', '--max-semi-space-size=32'];

/** From a checkout after `npm ci`: the TypeScript sources through tsx, a development dependency. */
export const FROM_CHECKOUT: ServerLaunch = {
  entries: APP_ENTRIES,
  args: [...SERVER_NODE_OPTIONS, '--import', 'tsx', 'sync-server/main.ts'],
};

/** From the built server package (`npm run build:server`): plain node, no repository. */
export const FROM_PACKAGE: ServerLaunch = {
  entries: PACKAGE_ENTRIES,
  args: [...SERVER_NODE_OPTIONS, 'server.mjs'],
};

export type Step =
  | {
      kind: 'run';
      command: string;
      args: string[];
      why: string;
      /** Skipped when this command succeeds (the user or service exists already). */
      skipIf?: string[];
      /** Run only when this command succeeds. */
      onlyIf?: string[];
      mayFail?: boolean;
    }
  | { kind: 'mkdir'; path: string; mode?: number }
  | { kind: 'write'; path: string; content: string; mode?: number; keepExisting?: boolean }
  | { kind: 'copy'; from: string; to: string; entries: string[] }
  | { kind: 'copyFile'; from: string; to: string };

const quote = (arg: string) => (/^[\w@%+=:,./\\-]+$/.test(arg) ? arg : JSON.stringify(arg));
export const commandLine = (command: string, args: string[]) =>
  [command, ...args].map(quote).join(' ');

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'run':
      return `${commandLine(step.command, step.args)}${step.skipIf ? `   (unless: ${commandLine(step.skipIf[0] ?? '', step.skipIf.slice(1))})` : ''}${step.onlyIf ? `   (if: ${commandLine(step.onlyIf[0] ?? '', step.onlyIf.slice(1))})` : ''}   # ${step.why}`;
    case 'mkdir':
      return `mkdir ${step.path}${step.mode ? ` (mode ${step.mode.toString(8)})` : ''}`;
    case 'write':
      return `write ${step.path}${step.mode ? ` (mode ${step.mode.toString(8)})` : ''}${step.keepExisting ? ', unless it exists' : ''}`;
    case 'copy':
      return `copy ${step.entries.join(', ')} from ${step.from} to ${step.to}`;
    case 'copyFile':
      return `copy ${step.from} to ${step.to}`;
  }
}

const succeeds = ([command, ...args]: string[]) =>
  command !== undefined && spawnSync(command, args, { stdio: 'ignore' }).status === 0;

export function runSteps(
  steps: Step[],
  options: { dryRun: boolean; log?: (line: string) => void },
) {
  const log = options.log ?? ((line: string) => console.log(line));
  for (const step of steps) {
    log(`${options.dryRun ? 'would ' : ''}${describeStep(step)}`);
    if (options.dryRun) continue;
    switch (step.kind) {
      case 'run': {
        if (step.skipIf && succeeds(step.skipIf)) continue;
        if (step.onlyIf && !succeeds(step.onlyIf)) continue;
        const r = spawnSync(step.command, step.args, { stdio: 'inherit' });
        if (r.status !== 0 && !step.mayFail)
          throw new Error(
            `${commandLine(step.command, step.args)} failed (${r.error?.message ?? `exit code ${r.status}`}).`,
          );
        break;
      }
      case 'mkdir':
        mkdirSync(step.path, { recursive: true, ...(step.mode && { mode: step.mode }) });
        if (step.mode) chmodSync(step.path, step.mode);
        break;
      case 'write':
        if (step.keepExisting && existsSync(step.path)) {
          log(`  kept the existing ${step.path}`);
          continue;
        }
        writeFileSync(step.path, step.content, step.mode ? { mode: step.mode } : {});
        if (step.mode) chmodSync(step.path, step.mode);
        break;
      case 'copy':
        // The previous version goes first, so no file of it outlives an upgrade.
        rmSync(step.to, { recursive: true, force: true });
        mkdirSync(step.to, { recursive: true });
        for (const entry of step.entries)
          cpSync(join(step.from, entry), join(step.to, entry), {
            recursive: true,
            verbatimSymlinks: true,
          });
        break;
      case 'copyFile':
        copyFileSync(step.from, step.to);
        break;
    }
  }
}
