import { BaseSequencer, type TestSpecification } from 'vitest/node'
import { defineConfig } from 'vitest/config'

/**
 * The files that take longest, started first: each runs in its own worker beside the many short
 * ones instead of becoming the tail of the run (a fresh clone has no timing cache to go by).
 */
const LONGEST = [
  'conformance/test/mutation-gate.test.ts',
  'sdk/test/chaos/exactly-once.test.ts',
  'sdk/test/chaos/nats-restart.test.ts',
  'site/test/site.test.ts',
  'conformance/test/live.test.ts',
  'examples/test/conformance.test.ts',
  'sdk/test/quickstart-tarball.test.ts',
]

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (spec: TestSpecification) => {
      const index = LONGEST.findIndex((path) => spec.moduleId.endsWith(path))
      return index < 0 ? LONGEST.length : index
    }
    return [...sorted].sort((a, b) => rank(a) - rank(b))
  }
}

export default defineConfig({
  test: {
    include: [
      'sdk/test/**/*.test.ts',
      'conformance/test/**/*.test.ts',
      'examples/test/**/*.test.ts',
      'site/test/**/*.test.ts',
    ],
    // A hang detector, not a speed check: on a loaded two-core machine a test that drives a
    // browser or a whole live run took 28-34 s where it takes 10 s on a quiet one.
    testTimeout: 90_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: one on a two-core machine, so the
    // files ran one after another although most of their time is spent waiting on servers.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
  },
})
