// n8n loads the package through the `n8n` section of package.json; this entry exports the same
// built classes for anyone who requires the package directly.
const { Hispeech } = require('./dist/nodes/Hispeech/Hispeech.node');
const { SttAi } = require('./dist/nodes/SttAi/SttAi.node');
const { TranscribeApi } = require('./dist/nodes/TranscribeApi/TranscribeApi.node');
const { TranscribeApiTrigger } = require('./dist/nodes/TranscribeApiTrigger/TranscribeApiTrigger.node');
const { HispeechApi } = require('./dist/credentials/HispeechApi.credentials');
const { SttAiApi } = require('./dist/credentials/SttAiApi.credentials');
const { TranscribeApiApi } = require('./dist/credentials/TranscribeApiApi.credentials');

module.exports = {
	nodes: { Hispeech, SttAi, TranscribeApi, TranscribeApiTrigger },
	credentials: { HispeechApi, SttAiApi, TranscribeApiApi },
};
