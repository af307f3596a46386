// @ts-check
import { URL, fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console builds into dist/web, which `warden serve` serves from the API's origin.
// JSX is compiled by Vite's own esbuild (no fast-refresh plugin is needed for a build).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
});
