import { defineConfig } from 'vite'

/** Vite builds the app shell (index.html, src/) into dist/, which the relay serves. */
export default defineConfig({
  root: '.',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    target: 'es2022',
    sourcemap: true,
    emptyOutDir: true,
  },
  server: {
    host: '127.0.0.1',
  },
})
