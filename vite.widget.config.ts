import { defineConfig } from 'vite';

/**
 * The embeddable webchat widget: one self-contained IIFE script, `dist/webchat/widget.js`, with no
 * framework (no Solid) and no schema library, loaded by other websites with one script tag.
 * Built after the PWA (`npm run build`), whose build empties dist/.
 */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/webchat',
    emptyOutDir: true,
    target: 'es2019',
    sourcemap: true,
    lib: {
      entry: 'client/widget/widget.ts',
      name: 'SwitchboardWebchatWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
