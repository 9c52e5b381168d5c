import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The review console's build: `npm run build:console` writes `build/console` (served by
 * `prevail serve` at `/console/`, see `src/http/console/static-routes.ts`). Hashed file names under
 * `assets/` let the server cache them for a year; `index.html` is never cached.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../build/console', import.meta.url)),
    emptyOutDir: true,
    // No inline scripts or data-URL modules: the page's CSP allows only the console's own files.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npm exec vite -- --config console/vite.config.ts` during development, against `prevail serve`.
    proxy: { '/console/api': 'http://127.0.0.1:5100' },
  },
});
