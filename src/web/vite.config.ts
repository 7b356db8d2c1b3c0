/// <reference types="vitest/config" />
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The backend serves web_dist/ (index.html fallback, long-cached hashed assets).
// In development Vite proxies /api to a locally running `devcell serve`; Python never proxies to Vite.
export default defineConfig({
  plugins: [preact()],
  resolve: { tsconfigPaths: true },
  build: {
    outDir: "../../web_dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // Never inline assets as data: URLs; the CSP (img-src from default-src 'self') would block them.
    assetsInlineLimit: 0,
    // Every supported browser has <link rel=modulepreload>; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:9000" },
  },
  // `npm test`: unit tests next to the code (*.test.ts, *.test.tsx) in a simulated DOM; tests/e2e/ uses Chromium.
  test: {
    environment: "jsdom",
    include: ["**/*.test.{ts,tsx}"],
    setupFiles: ["./test-setup.ts"],
    exclude: ["node_modules/**"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
