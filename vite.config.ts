import { defineConfig } from 'vite';

// The renderer: React built into dist/renderer, loaded by Electron from file:// or served by
// the local web mode. JSX is compiled by esbuild (no plugin needed).
export default defineConfig({
  root: 'renderer',
  base: './',
  esbuild: { jsx: 'automatic' },
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
});
