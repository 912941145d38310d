import solid from 'vite-plugin-solid';
import { defineConfig } from 'vitest/config';

// Two projects: Node code must not get vite-plugin-solid's `browser` resolve condition
// (ws would resolve to its browser stub), and UI code needs Solid's JSX transform and jsdom.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['shared/**/*.test.ts', 'sync-server/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        plugins: [solid()],
        test: {
          name: 'ui',
          include: ['client/**/*.test.ts', 'client/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
    ],
  },
});
