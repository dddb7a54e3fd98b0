import { defineConfig } from 'vite';

// The renderer: React built into dist/renderer, loaded by Electron from app://erp/ or served by
// the local web mode. JSX is compiled by esbuild (no plugin needed).
export default defineConfig({
  root: 'renderer',
  base: './',
  esbuild: { jsx: 'automatic' },
  plugins: [
    {
      // index.html's CSP <meta> forbids inline styles; the dev server injects CSS as <style>
      // tags, so while serving (never in a build) the meta allows them, as main.ts's header does.
      name: 'dev-server-inline-styles',
      apply: 'serve',
      transformIndexHtml: (html) =>
        html.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';"),
    },
  ],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
});
