'use strict';
// `npm run screenshots`: boots the e2e stack (a real n8n with the package installed) and saves a
// screenshot of every node's parameter panel, and of an example workflow run from the editor, to
// docs/screenshots/ (see test/e2e/screenshots.js).
const { startE2e } = require('../test/e2e/harness');
const { takeScreenshots } = require('../test/e2e/screenshots');

(async () => {
	const env = await startE2e();
	try {
		await takeScreenshots({ url: env.n8n.url, log: (line) => console.log(line) });
	} finally {
		await env.close();
	}
})().catch((error) => {
	console.error(error);
	process.exit(1);
});
