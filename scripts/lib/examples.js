'use strict';
/**
 * Imports the example workflows into an n8n instance (`npm start`), but only those it does not have
 * yet, so a user's edits to an example survive a restart; `reset` imports them all again. Newly
 * imported trigger examples are published (while the server is stopped) so their webhooks answer.
 */

/** The ids of the workflows the instance has (none before its first start). */
async function workflowIds(n8n) {
	// The command prints through n8n's logger, at level info.
	const { stdout } = await n8n.cli(['list:workflow', '--onlyId'], {
		env: { N8N_LOG_LEVEL: 'info' },
	});
	return new Set(
		stdout
			.split('\n')
			.map((line) => line.trim())
			.filter((line) => /^[A-Za-z0-9]{16}$/.test(line)),
	);
}

/** Returns { imported, kept }: the example workflows imported now and those left as they were. */
async function importExamples(n8n, workflows, { reset = false, warn = console.warn } = {}) {
	const existing = reset ? new Set() : await workflowIds(n8n);
	const imported = workflows.filter((workflow) => !existing.has(workflow.id));
	const kept = workflows.filter((workflow) => existing.has(workflow.id));
	if (imported.length > 0)
		await n8n.importJson(
			'workflows',
			imported.map(({ file, ...workflow }) => workflow),
		);
	const triggers = imported.filter((w) =>
		w.nodes.some((node) => /Trigger$/.test(node.type) && node.webhookId),
	);
	for (const workflow of triggers) {
		await n8n
			.publishOffline(workflow.id)
			.catch((error) => warn(`Could not publish "${workflow.name}": ${error.message}`));
	}
	return { imported, kept };
}

module.exports = { importExamples, workflowIds };
