/** Tests run against the built package in dist/ (npm test builds first). The e2e and queue tests (a real n8n
 * server) have their own configs: test/e2e/jest.config.js (`npm run test:e2e`), test/queue/jest.config.js (`npm run test:queue`). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/queue/'],
	testTimeout: 60_000,
	maxWorkers: 2,
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
