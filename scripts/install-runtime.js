'use strict';
// Installs the pinned n8n runtimes if missing or outdated: `node scripts/install-runtime.js [2] [1]`
// (default: the line in N8N_LINE, else 2). Cheap when nothing changed. See scripts/lib/runtime.js.
const { ensureRuntime } = require('./lib/runtime');

const lines = process.argv.slice(2).length ? process.argv.slice(2) : [process.env.N8N_LINE || '2'];
for (const line of lines) ensureRuntime(line);
