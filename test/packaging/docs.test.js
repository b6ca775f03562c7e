'use strict';
// Every documentation link n8n shows (codex primary and credential documentation, each credential's
// documentationUrl, each package's homepage) and every link in the Markdown documents leads to a file
// of this repository and a heading that exists in it (GitHub's anchor rules), including the links of the
// single-service READMEs that scripts/pack.js writes from docs/<service>.md.
const fs = require('node:fs');
const path = require('node:path');
const {
	ROOT,
	REPOSITORY,
	SERVICES,
	bundle,
	serviceManifest,
	serviceReadme,
} = require('../../scripts/lib/packages');

/** GitHub's heading anchors: lower case, punctuation dropped (not - or _), each space a hyphen, repeats numbered. */
function anchorsOf(markdown) {
	const seen = new Map();
	const anchors = new Set();
	const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
	for (const [, text] of withoutCode.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
		const base = text
			.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\s_-]/gu, '')
			.replace(/\s/g, '-');
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count ? `${base}-${count}` : base);
	}
	return anchors;
}

/** Checks a link target given relative to the repository root: the file exists, and so does the anchor. */
function resolves(target) {
	const [file, anchor] = target.split('#');
	const absolute = path.join(ROOT, decodeURIComponent(file || 'README.md'));
	if (!fs.existsSync(absolute)) return `${target}: no such file`;
	if (anchor === undefined || anchor === '') return 'ok';
	if (!absolute.endsWith('.md')) return `${target}: an anchor in a file that is not Markdown`;
	return anchorsOf(fs.readFileSync(absolute, 'utf8')).has(anchor) ? 'ok' : `${target}: no heading #${anchor}`;
}

/** A URL into this repository, as a path relative to its root ('' for the repository page). */
function repositoryPath(url) {
	if (url === REPOSITORY || url.startsWith(`${REPOSITORY}#`)) return url.slice(REPOSITORY.length).replace(/^/, 'README.md');
	const match = url.match(new RegExp(`^${REPOSITORY.replace(/[.]/g, '\\.')}/(?:blob|raw|tree)/main/(.+)$`));
	return match?.[1];
}

const codexFiles = [...bundle.n8n.nodes].map((file) => path.join(ROOT, file.replace(/\.js$/, '.json')));

test('every codex documentation URL and credential documentationUrl points at an existing heading of this repository', () => {
	const urls = codexFiles.flatMap((file) => {
		const { resources } = JSON.parse(fs.readFileSync(file, 'utf8'));
		return [...resources.primaryDocumentation, ...resources.credentialDocumentation].map((r) => r.url);
	});
	for (const file of bundle.n8n.credentials) {
		const [Credential] = Object.values(require(path.join(ROOT, file)));
		urls.push(new Credential().documentationUrl);
	}
	expect(urls).toHaveLength(codexFiles.length * 2 + bundle.n8n.credentials.length);
	const verdicts = urls.map((url) => [url, repositoryPath(url) ? resolves(repositoryPath(url)) : 'outside the repository']);
	expect(verdicts.filter(([, verdict]) => verdict !== 'ok')).toEqual([]);
	// Each single-service package's documentation stays on its own provider's page.
	for (const service of SERVICES)
		for (const folder of service.nodes) {
			const { resources } = JSON.parse(fs.readFileSync(path.join(ROOT, 'nodes', folder, `${folder}.node.json`), 'utf8'));
			expect(resources.primaryDocumentation[0].url).toContain(`/${service.doc}#`);
		}
});

test('every package homepage resolves', () => {
	const homepages = [bundle.homepage, ...SERVICES.map((s) => serviceManifest(s).homepage)];
	expect(homepages.map((url) => [url, repositoryPath(url) ? resolves(repositoryPath(url)) : 'ok'])).toEqual(
		homepages.map((url) => [url, 'ok']),
	);
});

const documents = ['README.md', 'CHANGELOG.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

test.each(documents)('%s: every relative link and anchor resolves', (document) => {
	const text = fs.readFileSync(path.join(ROOT, document), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
	const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target).filter((t) => !/^(https?:|mailto:)/.test(t));
	const verdicts = links.map((target) => {
		const resolved = target.startsWith('#')
			? `${document}${target}`
			: path.posix.normalize(path.posix.join(path.posix.dirname(document), target));
		return [target, resolves(resolved)];
	});
	expect(verdicts.filter(([, verdict]) => verdict !== 'ok')).toEqual([]);
});

test.each(SERVICES.map((s) => [s.packageName, s]))('%s README (from its docs page): every link into the repository resolves', (name, service) => {
	const readme = serviceReadme(service);
	const targets = [...readme.matchAll(/\]\((https?:[^)\s]+)\)/g)].map(([, url]) => url).filter(repositoryPath);
	expect(targets.length).toBeGreaterThan(3);
	const verdicts = targets.map((url) => [url, resolves(repositoryPath(url))]);
	expect(verdicts.filter(([, verdict]) => verdict !== 'ok')).toEqual([]);
	// n8n's community-node README template, in order.
	const sections = [...readme.matchAll(/^## (.+)$/gm)].map(([, heading]) => heading);
	expect(sections).toEqual(['Installation', 'Operations', 'Credentials', 'Compatibility', 'Usage', 'Resources', 'Version history']);
	expect(readme).toContain(`npm install ${name}`);
});

test('the anchor rules follow GitHub', () => {
	expect([...anchorsOf('## n8n 1.x LTS\n## Transcription → Transcribe\n## Get\n## Get\n### `code` and *em*\n')]).toEqual([
		'n8n-1x-lts',
		'transcription--transcribe',
		'get',
		'get-1',
		'code-and-em',
	]);
});
