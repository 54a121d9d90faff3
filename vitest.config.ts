import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'sdk/test/**/*.test.ts',
      'conformance/test/**/*.test.ts',
      'examples/test/**/*.test.ts',
      'site/test/**/*.test.ts',
    ],
    testTimeout: 30_000,
    pool: 'forks',
  },
})
