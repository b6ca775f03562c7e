'use strict';
/**
 * The editor as a user sees it: Debian's chromium, driven by playwright-core, logs in to a running
 * n8n (2.x), opens a new workflow, searches each node in the node panel by its display name, adds it
 * and saves a screenshot of its parameter panel; then opens an example workflow, runs it with the
 * editor's "Execute workflow" button and saves a screenshot of the finished run.
 *
 *   const editor = await openEditor(url);          // logged in
 *   const shot = await editor.addNode(NODES[0], outDir);   // { file, bytes, parameters, title }
 *   const run = await editor.runWorkflow(workflowId, { nodeName, file });
 *   await editor.close();
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { OWNER, WORKFLOW_IDS } = require('../../scripts/lib/stack');

const ROOT = path.resolve(__dirname, '../..');
const OUT_DIR = path.join(ROOT, 'docs', 'screenshots');

/**
 * Every node of the package: the name searched in the node panel, the entries clicked in it (the
 * node, then its action or trigger event), the node's name on the canvas and the parameters its
 * panel shows (what the test checks).
 */
const NODES = [
	{ file: 'hispeech', search: 'Hispeech', pick: ['Hispeech', 'Transcribe an audio file'], parameters: ['Resource', 'Operation', 'Audio Source'] },
	{ file: 'transcribeapi', search: 'TranscribeAPI', pick: ['TranscribeAPI', 'Transcribe an audio file'], parameters: ['Resource', 'Operation', 'Audio Source'] },
	{ file: 'transcribeapi-trigger', trigger: true, search: 'TranscribeAPI Trigger', pick: ['TranscribeAPI', 'On completed'], parameters: ['Events', 'Download Result', 'Output'] },
	{ file: 'speechischeap', search: 'Speech is Cheap', pick: ['Speech is Cheap', 'Create a transcription job'], parameters: ['Resource', 'Operation', 'Audio Source'] },
	{ file: 'speechischeap-trigger', trigger: true, search: 'Speech is Cheap Trigger', pick: ['Speech is Cheap', 'On new Speech is Cheap event'], parameters: ['Secret Token', 'Statuses', 'Output'] },
	{ file: 'audiototextai', search: 'AudioToTextAI', pick: ['AudioToTextAI', 'Transcribe audio'], parameters: ['Resource', 'Operation', 'Audio Source'] },
	{ file: 'audiototextai-trigger', trigger: true, search: 'AudioToTextAI Trigger', pick: ['AudioToTextAI', 'On new AudioToTextAI event'], parameters: ['Secret Token', 'Statuses', 'Output'] },
	{ file: 'sttai', search: 'STT.ai', pick: ['STT.ai', 'Transcribe an audio file'], parameters: ['Resource', 'Operation', 'Audio Source'] },
];

/** The example workflow run from the editor, and the node whose output the screenshot shows. */
const EDITOR_RUN = { workflowId: WORKFLOW_IDS['hispeech-summarize-translate'], open: 'Hispeech Transcribe' };

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
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const apt = (...args) =>
		process.getuid?.() === 0
			? execFileSync('apt-get', args, { stdio: 'inherit', env })
			: execFileSync('sudo', ['apt-get', ...args], { stdio: 'inherit', env });
	apt('update', '-qq');
	apt('install', '-y', '-qq', 'chromium');
	found = candidates.find((file) => fs.existsSync(file));
	if (!found) throw new Error('chromium is not installed and apt-get could not install it');
	return found;
}

const byTestId = (id) => `[data-test-id="${id}"]`;

/** The first lines of the texts (or values) of the visible elements of a locator. */
const visibleTexts = (locator, property = 'innerText') =>
	locator.evaluateAll(
		(elements, key) => elements.filter((el) => el.checkVisibility()).map((el) => String(el[key]).trim().split('\n')[0]),
		property,
	);

/** Launches chromium, logs in as the owner and returns the editor actions. */
async function openEditor(url, { timeoutMs = 30_000 } = {}) {
	const { chromium } = require('playwright-core');
	const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: BROWSER_ARGS });
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
		const page = await context.newPage();
		page.setDefaultTimeout(timeoutMs);
		await page.goto(`${url}/signin`);
		await page.locator('input[type="email"]').fill(OWNER.email);
		await page.locator('input[type="password"]').fill(OWNER.password);
		await page.locator(byTestId('form-submit-button')).click();
		await page.waitForURL((current) => !/\/signin/.test(current.pathname));
		return new Editor(url, browser, page);
	} catch (error) {
		await browser.close();
		throw error;
	}
}

class Editor {
	constructor(url, browser, page) {
		this.url = url;
		this.browser = browser;
		this.page = page;
		/** REST calls in flight (settle() waits for them). */
		this.pending = new Set();
		page.on('request', (request) => /\/rest\/(?!push)/.test(request.url()) && this.pending.add(request));
		const done = (request) => this.pending.delete(request);
		page.on('requestfinished', done);
		page.on('requestfailed', done);
	}

	/**
	 * A new workflow; the node panel searched for `node.search`, the node and its action or event
	 * picked; its parameter panel saved to `<outDir>/<node.file>.png`.
	 * Returns { file, bytes, title, type, parameters, text, icon }: the node's name, its type on the
	 * canvas, and the panel's parameter labels, text and header icon.
	 */
	async addNode(node, outDir = OUT_DIR) {
		const { page } = this;
		await this.blankWorkflow();
		await page.locator(byTestId('canvas-add-button')).click();
		const search = page.locator(byTestId('node-creator-search-bar'));
		await search.fill(node.search);
		const item = (name) => page.locator(byTestId('node-creator-item-name')).getByText(name, { exact: true });
		const [nodeName, entryName] = node.pick;
		await item(nodeName).click();
		// The node's details ("Installed", "Via npm", its triggers and actions): the action or trigger
		// event, in its category (the panel may show that one collapsed).
		const category = page.locator(byTestId('node-creator-category-item')).filter({ hasText: node.trigger ? 'Triggers' : 'Actions' });
		await category.waitFor();
		if (!(await item(entryName).isVisible())) await category.click();
		await item(entryName).click();
		const panel = page.locator(byTestId('ndv'));
		const parameters = panel.locator(byTestId('node-parameters'));
		await parameters.waitFor();
		const file = await this.shootPanel(path.join(outDir, `${node.file}.png`));
		const title = (await panel.locator(`${byTestId('node-title-container')} ${byTestId('inline-edit-preview')}`).textContent()).trim();
		return {
			file,
			bytes: fs.statSync(file).size,
			title,
			type: await page.locator(`${byTestId('canvas-node')}[data-node-name="${title}"]`).getAttribute('data-node-type'),
			parameters: await visibleTexts(parameters.locator(byTestId('input-label'))),
			credential: await visibleTexts(parameters.locator(`${byTestId('node-credentials-select')} input`), 'value'),
			text: await parameters.innerText(),
			/** The node icon in the panel's header, as loaded from the package (width 0 if it failed). */
			icon: await panel
				.locator('img[src*="icons/n8n-nodes-transcription/"]')
				.first()
				.evaluate((img) => ({ src: img.getAttribute('src'), width: img.naturalWidth })),
		};
	}

	/**
	 * An empty canvas: a new workflow the first time, then the same one emptied (panel closed, all
	 * nodes selected and deleted), which saves loading the editor again for every node.
	 */
	async blankWorkflow() {
		const { page } = this;
		if (!this.blank) {
			await page.goto(`${this.url}/workflow/new`);
			this.blank = true;
			return;
		}
		await page.locator(byTestId('ndv-close-button')).click();
		await page.locator(byTestId('ndv')).waitFor({ state: 'hidden' });
		await page.keyboard.press('ControlOrMeta+a');
		await page.keyboard.press('Delete');
		await page.locator(byTestId('canvas-node')).first().waitFor({ state: 'detached' });
	}

	/**
	 * Opens a workflow, runs it with the "Execute workflow" button and waits for n8n's success toast.
	 * Saves the canvas to `<outDir>/editor-run.png` and the panel of node `open` (its output as
	 * JSON) to `<outDir>/editor-run-output.png`. Returns { nodes, succeeded, output, files }: the
	 * canvas nodes, those marked successful and the text of `open`'s output panel.
	 */
	async runWorkflow(workflowId, { open, outDir = OUT_DIR }) {
		const { page } = this;
		this.blank = false;
		await page.goto(`${this.url}/workflow/${workflowId}`);
		const nodes = page.locator(byTestId('canvas-node'));
		await nodes.first().waitFor();
		await page.locator(byTestId('execute-workflow-button')).click();
		const toast = page.locator('.el-notification').filter({ hasText: 'Workflow executed successfully' });
		await toast.waitFor({ timeout: 60_000 });
		const names = await nodes.evaluateAll((elements) => elements.map((el) => el.dataset.nodeName));
		const succeeded = await nodes
			.filter({ has: page.locator(byTestId('canvas-node-status-success')) })
			.evaluateAll((elements) => elements.map((el) => el.dataset.nodeName));
		await this.settle(page.locator('body'));
		fs.mkdirSync(outDir, { recursive: true });
		const canvasFile = path.join(outDir, 'editor-run.png');
		await page.screenshot({ path: canvasFile });
		await toast.locator('.el-notification__closeBtn').click();
		await toast.waitFor({ state: 'detached' });

		await page.locator(`${byTestId('canvas-node')}[data-node-name="${open}"]`).dblclick();
		const output = page.locator(`${byTestId('ndv')} ${byTestId('output-panel')}`);
		await output.locator(byTestId('radio-button-json')).click();
		await output.locator(byTestId('ndv-data-container')).waitFor();
		const outputFile = await this.shootPanel(path.join(outDir, 'editor-run-output.png'));
		return { nodes: names, succeeded, output: await output.innerText(), files: [canvasFile, outputFile] };
	}

	/** Saves the open node panel, the browser window made as tall as its parameter list (nothing scrolled off). */
	async shootPanel(file) {
		const { page } = this;
		const panel = page.locator(byTestId('ndv'));
		await this.settle(panel);
		const overflow = await panel.locator(byTestId('node-parameters')).evaluate((el) => el.scrollHeight - el.clientHeight);
		const viewport = page.viewportSize();
		if (overflow > 0) await page.setViewportSize({ width: viewport.width, height: viewport.height + overflow });
		fs.mkdirSync(path.dirname(file), { recursive: true });
		try {
			await this.settle(panel);
			await panel.screenshot({ path: file });
		} finally {
			await page.setViewportSize(viewport);
		}
		return file;
	}

	/** Waits until the editor's REST calls (e.g. dropdown options) have answered and the panel's images are loaded. */
	async settle(panel) {
		const frame = () => this.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
		for (;;) {
			await frame();
			if (this.pending.size === 0) break;
			await Promise.all([...this.pending].map((request) => request.response().catch(() => null)));
		}
		await panel.locator('img').evaluateAll((images) => Promise.all(images.map((img) => img.complete || new Promise((done) => (img.onload = img.onerror = done)))));
	}

	async close() {
		await this.browser.close();
	}
}

/**
 * Takes every screenshot against the n8n at `url`: one per node, and (with `run`) the run of an
 * example workflow. Returns [{ file, bytes, ... }]; `log` receives one line per screenshot.
 */
async function takeScreenshots({ url, outDir = OUT_DIR, nodes = NODES, run = EDITOR_RUN, log = () => {} }) {
	const editor = await openEditor(url);
	const results = [];
	try {
		for (const node of nodes) {
			const shot = await editor.addNode(node, outDir);
			results.push(shot);
			log(`${node.search}: ${path.relative(ROOT, shot.file)} (${shot.bytes} bytes)`);
		}
		if (run) {
			const result = await editor.runWorkflow(run.workflowId, { open: run.open, outDir });
			results.push(result);
			log(`${run.workflowId} run in the editor: ${result.files.map((file) => path.relative(ROOT, file)).join(', ')}`);
		}
	} catch (error) {
		const shot = path.join(os.tmpdir(), 'n8n-editor-failure.png');
		await editor.page.screenshot({ path: shot }).catch(() => {});
		error.message += `\n(the browser window at the failure: ${shot})`;
		throw error;
	} finally {
		await editor.close();
	}
	return results;
}

module.exports = { openEditor, takeScreenshots, NODES, EDITOR_RUN, OUT_DIR, chromiumPath };
