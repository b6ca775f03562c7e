/** The e2e tests: a real n8n server with the package installed (`npm run test:e2e`; N8N_LINE=1 for 1.x). */
module.exports = {
	rootDir: '../..',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['<rootDir>/test/e2e/**/*.test.js'],
	testEnvironment: 'node',
	testTimeout: 180_000,
	maxWorkers: 1,
	reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
