/** The queue-mode tests: n8n main + workers + webhook process on PostgreSQL and Redis (`npm run test:queue`). */
module.exports = {
	rootDir: '../..',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['<rootDir>/test/queue/**/*.test.js'],
	testEnvironment: 'node',
	testTimeout: 300_000,
	maxWorkers: 1,
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
