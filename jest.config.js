// Two projects, visible in file names: co-located *.test.ts are unit tests (no I/O);
// test/**/*.int.test.ts are integration tests against real Kafka, PostgreSQL and Redis,
// provisioned once by packages/testing's global setup. `npm test` runs both.
const shared = {
  testEnvironment: 'node',
  // Resolve @earshot/* to their TypeScript sources, so tests never run against a stale dist.
  testEnvironmentOptions: { customExportConditions: ['earshot-source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
}

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,services}/*/src/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,services}/*/test/**/*.int.test.ts'],
      globalSetup: '<rootDir>/packages/testing/jest/global-setup.cjs',
      globalTeardown: '<rootDir>/packages/testing/jest/global-teardown.cjs',
      setupFilesAfterEnv: ['<rootDir>/packages/testing/jest/integration-setup.cjs'],
      slowTestThreshold: 20,
    },
  ],
  // Integration suites share one broker and one database server; keep the 2-core machine honest.
  maxWorkers: 2,
}
