import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';

/**
 * The agent PWA. Sources live in client/ (index.html there), static assets in public/, and the
 * build goes to dist/, which the sync server serves with an SPA fallback.
 *
 * The service worker is our own (client/sw/sw.ts, injectManifest): it precaches the app shell
 * so the inbox opens offline after the first load. /demo/ and /webchat/ are other apps served
 * by the same origin and are never precached.
 */
const SERVER = process.env.SWITCHBOARD_DEV_SERVER ?? 'http://localhost:3210';

export default defineConfig({
  root: 'client',
  publicDir: '../public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': { target: SERVER, changeOrigin: true },
      '/sync': { target: SERVER, ws: true, changeOrigin: true },
      '/webchat': { target: SERVER, ws: true, changeOrigin: true },
      '/healthz': { target: SERVER },
    },
  },
  plugins: [
    solid(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,ico,webmanifest}'],
        globIgnores: ['demo/**', 'webchat/**', '**/*.map'],
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      },
      manifest: {
        name: 'Switchboard',
        short_name: 'Switchboard',
        description: 'Local-first inbox for customer-support teams',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#1f3a8a',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
});
