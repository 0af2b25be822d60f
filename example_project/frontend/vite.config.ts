/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// The dev server proxies the API to a Django runserver (DJANGO_URL, default :8000), so the
// app always talks to a same-origin /api/ — exactly as when Django serves the built files.
const djangoUrl = process.env.DJANGO_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  // Django serves dist/index.html at / and the assets from its static files under /static/.
  base: process.env.VITE_BASE ?? "/static/",
  server: {
    port: 5173,
    proxy: {
      "/api": { target: djangoUrl, changeOrigin: false },
      "/admin": { target: djangoUrl, changeOrigin: false },
    },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
  },
});
