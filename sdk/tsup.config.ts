import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    schemas: 'src/schemas/index.ts',
    jsonld: 'src/jsonld/index.ts',
  },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  dts: true,
  clean: true,
  sourcemap: true,
  treeshake: true,
  splitting: true,
  // Whitespace only: names stay readable in stack traces, and the generated validators (most of
  // the bytes) are not re-indented, so importing the entry reads and parses less.
  minifyWhitespace: true,
})
