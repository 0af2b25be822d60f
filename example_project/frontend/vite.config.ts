/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// The dev server proxies the API to a Django runserver (DJANGO_URL, default :8000), so the
// app always talks to a same-origin /api/ — exactly as when Django serves the built files.
const djangoUrl = process.env.DJANGO_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  // The example project serves dist/ at the site root (WhiteNoise's WHITENOISE_ROOT) and
  // dist/index.html for every client-side route.
  base: "/",
  server: {
    port: 5173,
    proxy: {
      "/api": { target: djangoUrl, changeOrigin: false },
      "/admin": { target: djangoUrl, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      onwarn(warning, warn) {
        // react-router marks its modules "use client" for React Server Components; a
        // client-only bundle has no use for the directive.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
  },
});
