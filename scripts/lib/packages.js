'use strict';
/**
 * The six npm packages built from this tree: the bundle (this package.json, all five providers) and
 * one package per service, for n8n's verified community nodes (one third-party service per package).
 *
 *   SERVICES                       the five single-service packages and the node/credential folders each owns
 *   requireClosure(root, entries)  every file of dist/ the entries need: require() graph, icons, codex files
 *   serviceManifest(service)       the package.json of a single-service package
 *
 * scripts/pack.js stages and packs them; test/packaging/packages.test.js checks them.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const bundle = require(path.join(ROOT, 'package.json'));
const REPOSITORY = bundle.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

/** Requires the compiled code may make outside the package: the peer dependency and Node's crypto. */
const ALLOWED_EXTERNALS = new Set(['n8n-workflow', 'crypto', 'node:crypto']);

/**
 * `nodes` are folder names under nodes/ (the node file is `<Folder>/<Folder>.node.js`); `credential`
 * is the credential class file under credentials/. `doc` is the reference page in docs/ that is
 * also the package's README.
 */
const SERVICES = [
	{
		id: 'hispeech',
		title: 'Hispeech',
		nodes: ['Hispeech'],
		credential: 'HispeechApi',
		description:
			'n8n node for Hispeech: Armenian speech-to-text (sync and async jobs, secure mode, timed segments)',
		keywords: ['hispeech', 'armenian', 'transcription', 'speech-to-text'],
	},
	{
		id: 'transcribeapi',
		title: 'TranscribeAPI',
		nodes: ['TranscribeApi', 'TranscribeApiTrigger'],
		credential: 'TranscribeApiApi',
		description:
			'n8n nodes for TranscribeAPI: sync, big-file and batch transcription, signed webhooks trigger',
		keywords: ['transcribeapi', 'whisper', 'transcription', 'speech-to-text'],
	},
	{
		id: 'speechischeap',
		title: 'Speech is Cheap',
		nodes: ['SpeechIsCheap', 'SpeechIsCheapTrigger'],
		credential: 'SpeechIsCheapApi',
		description:
			'n8n nodes for Speech is Cheap: URL and file transcription jobs, streaming, subtitles, webhooks trigger',
		keywords: ['speechischeap', 'transcription', 'speech-to-text', 'subtitles'],
	},
	{
		id: 'audiototextai',
		title: 'AudioToTextAI',
		nodes: ['AudioToTextAi', 'AudioToTextAiTrigger'],
		credential: 'AudioToTextAiApi',
		description:
			'n8n nodes for AudioToTextAI: file and YouTube transcription, diarization, summaries, webhooks trigger',
		keywords: ['audiototextai', 'transcription', 'speech-to-text', 'youtube'],
	},
	{
		id: 'sttai',
		title: 'STT.ai',
		nodes: ['SttAi'],
		credential: 'SttAiApi',
		description:
			'n8n node for STT.ai: transcription, text tools (summarize, translate, analyze), audio and stored transcripts',
		keywords: ['stt.ai', 'sttai', 'transcription', 'speech-to-text', 'summarize'],
	},
].map((service) => ({
	...service,
	packageName: `n8n-nodes-${service.id}`,
	doc: `docs/${service.id}.md`,
	nodeFiles: service.nodes.map((folder) => `dist/nodes/${folder}/${folder}.node.js`),
	credentialFiles: [`dist/credentials/${service.credential}.credentials.js`],
}));

/** The folders and files of dist/ that belong to a service (nothing else may hold its name). */
function ownedPaths(service) {
	return [
		...service.nodes.map((folder) => `dist/nodes/${folder}/`),
		`dist/credentials/${service.credential}.credentials.js`,
	];
}

/** The service (or undefined: shared code) a dist/ path belongs to. */
function ownerOf(file) {
	return SERVICES.find((service) =>
		ownedPaths(service).some((owned) => file === owned || file.startsWith(owned)),
	);
}

/**
 * Every file the entry files need at runtime, as paths relative to `root` (e.g. 'dist/nodes/…'):
 * the relative require() graph of the compiled JavaScript, the `file:` icons the code names, and each
 * node's codex file. Fails on any other non-relative require, since a package has no runtime dependencies.
 */
function requireClosure(root, entries) {
	const files = new Set();
	const pending = [...entries];
	const add = (absolute) => {
		const relative = path.relative(root, absolute).split(path.sep).join('/');
		if (!fs.existsSync(absolute)) throw new Error(`Missing file in the build: ${relative}`);
		if (!files.has(relative)) {
			files.add(relative);
			if (relative.endsWith('.js')) pending.push(relative);
		}
	};
	while (pending.length) {
		const file = pending.pop();
		const absolute = path.join(root, file);
		if (!files.has(file)) add(absolute);
		const code = fs.readFileSync(absolute, 'utf8');
		const dir = path.dirname(absolute);
		for (const [, spec] of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
			if (spec.startsWith('.')) add(resolveModule(path.resolve(dir, spec)));
			else if (!ALLOWED_EXTERNALS.has(spec))
				throw new Error(
					`${file} requires "${spec}": not allowed in a package without dependencies`,
				);
		}
		for (const [, icon] of code.matchAll(/["']file:([^"']+)["']/g)) add(path.resolve(dir, icon));
		const codex = absolute.replace(/\.node\.js$/, '.node.json');
		if (codex !== absolute && fs.existsSync(codex)) add(codex);
	}
	return [...files].sort();
}

function resolveModule(base) {
	for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')])
		if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
	throw new Error(`Cannot resolve ${base}`);
}

/** The package.json of a single-service package: same version, metadata and peer as the bundle. */
function serviceManifest(service) {
	return {
		name: service.packageName,
		version: bundle.version,
		description: service.description,
		keywords: ['n8n-community-node-package', 'n8n', ...service.keywords],
		license: bundle.license,
		homepage: `${REPOSITORY}/blob/main/${service.doc}`,
		author: bundle.author,
		repository: bundle.repository,
		files: ['dist', 'CHANGELOG.md'],
		n8n: {
			n8nNodesApiVersion: bundle.n8n.n8nNodesApiVersion,
			strict: bundle.n8n.strict,
			credentials: service.credentialFiles,
			nodes: service.nodeFiles,
		},
		peerDependencies: bundle.peerDependencies,
	};
}

/**
 * The README of a single-service package: its docs page, with links made absolute (npm shows the
 * README away from the repository, where relative links would break).
 */
function serviceReadme(service) {
	const text = fs.readFileSync(path.join(ROOT, service.doc), 'utf8');
	const docDir = path.posix.dirname(service.doc);
	return text.replace(
		/(!?)\[([^\]]*)\]\((?!https?:|#|mailto:)([^)\s]+)\)/g,
		(_, bang, label, target) => {
			const resolved = path.posix.normalize(path.posix.join(docDir, target));
			return `${bang}[${label}](${REPOSITORY}/${bang ? 'raw' : 'blob'}/main/${resolved})`;
		},
	);
}

module.exports = {
	ROOT,
	REPOSITORY,
	SERVICES,
	ALLOWED_EXTERNALS,
	bundle,
	ownerOf,
	requireClosure,
	serviceManifest,
	serviceReadme,
};
