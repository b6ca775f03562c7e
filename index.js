// n8n loads the package through the `n8n` section of package.json; this entry exports the same
// built classes for anyone who requires the package directly.
const { Hispeech } = require('./dist/nodes/Hispeech/Hispeech.node');
const { SttAi } = require('./dist/nodes/SttAi/SttAi.node');
const { HispeechApi } = require('./dist/credentials/HispeechApi.credentials');
const { SttAiApi } = require('./dist/credentials/SttAiApi.credentials');

module.exports = {
	nodes: { Hispeech, SttAi },
	credentials: { HispeechApi, SttAiApi },
};
