'use strict';
/**
 * The editor as a user sees it: Debian's chromium, driven by playwright-core, logs in to a running
 * n8n, opens a new workflow, searches each node in the node panel by its display name, adds it and
 * saves a screenshot of its parameter panel to docs/screenshots/<node>.png.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { OWNER } = require('../../scripts/lib/stack');

const ROOT = path.resolve(__dirname, '../..');
const OUT_DIR = path.join(ROOT, 'docs', 'screenshots');

/** Every node of the package: display name, the action to pick (action nodes) and the file name. */
const NODES = [
	{ file: 'hispeech', displayName: 'Hispeech', action: 'Transcribe' },
	{ file: 'transcribeapi', displayName: 'TranscribeAPI', action: 'Transcribe' },
	{ file: 'transcribeapi-trigger', displayName: 'TranscribeAPI Trigger' },
	{ file: 'speechischeap', displayName: 'Speech is Cheap', action: 'Create' },
	{ file: 'speechischeap-trigger', displayName: 'Speech is Cheap Trigger' },
	{ file: 'audiototextai', displayName: 'AudioToTextAI', action: 'Transcribe' },
	{ file: 'audiototextai-trigger', displayName: 'AudioToTextAI Trigger' },
	{ file: 'sttai', displayName: 'STT.ai', action: 'Transcribe' },
];

const BROWSER_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

/** Debian's chromium, installed with apt-get when missing (CI runs as root on Debian). */
function chromiumPath() {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
	let found = candidates.find((file) => fs.existsSync(file));
	if (found) return found;
	const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
	const apt = (...args) => execFileSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	apt('update', '-qq');
	apt('install', '-y', '-qq', 'chromium');
	found = candidates.find((file) => fs.existsSync(file));
	if (!found) throw new Error('chromium is not installed and apt-get could not install it');
	return found;
}

/**
 * Takes the screenshots against the n8n at `url`. Returns [{ file, path, bytes, title }].
 * `log` receives one line per node.
 */
async function takeScreenshots({ url, workflowId, outDir = OUT_DIR, nodes = NODES, log = () => {}, failureShot }) {
	const { chromium } = require('playwright-core');
	fs.mkdirSync(outDir, { recursive: true });
	const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: BROWSER_ARGS });
	const results = [];
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
		const page = await context.newPage();
		page.setDefaultTimeout(30_000);
		await page.goto(`${url}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
		await page.locator('input[type="password"]').first().fill(OWNER.password);
		await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
		await page.waitForURL((current) => !/\/signin/.test(current.pathname));

		for (const node of nodes) {
			// A workflow that already has a trigger, so the node panel lists action nodes as well.
			await page.goto(`${url}/workflow/${workflowId}`);
			await page.locator('[data-test-id="canvas-node"]').first().waitFor();
			await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
			const search = page.locator('[data-test-id="node-creator-search-bar"] input, [data-test-id="node-creator-search-bar"]').first();
			await search.fill(node.displayName);
			const item = page.locator('[data-test-id="node-creator-item-name"]').getByText(node.displayName, { exact: true });
			await item.first().click();
			if (node.action) {
				await page.locator('[data-test-id="node-creator-action-item"]').filter({ hasText: node.action }).first().click();
			}
			const panel = page.locator('[data-test-id="ndv"]').first();
			await panel.locator('[data-test-id="node-parameters"]').first().waitFor();
			await page.waitForLoadState('networkidle');
			const file = path.join(outDir, `${node.file}.png`);
			await panel.screenshot({ path: file });
			results.push({ file: node.file, path: file, bytes: fs.statSync(file).size });
			log(`${node.displayName}: ${path.relative(ROOT, file)}`);
		}
		await context.close();
	} catch (error) {
		if (failureShot) await browser.contexts()[0]?.pages()[0]?.screenshot({ path: failureShot }).catch(() => {});
		throw error;
	} finally {
		await browser.close();
	}
	return results;
}

module.exports = { takeScreenshots, NODES, OUT_DIR, chromiumPath };
