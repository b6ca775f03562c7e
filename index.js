// n8n loads the package through the `n8n` section of package.json; this entry exports the same
// built classes for anyone who requires the package directly.
const { Hispeech } = require('./dist/nodes/Hispeech/Hispeech.node');
const { SpeechIsCheap } = require('./dist/nodes/SpeechIsCheap/SpeechIsCheap.node');
const { SpeechIsCheapTrigger } = require('./dist/nodes/SpeechIsCheapTrigger/SpeechIsCheapTrigger.node');
const { AudioToTextAi } = require('./dist/nodes/AudioToTextAi/AudioToTextAi.node');
const { AudioToTextAiTrigger } = require('./dist/nodes/AudioToTextAiTrigger/AudioToTextAiTrigger.node');
const { HispeechApi } = require('./dist/credentials/HispeechApi.credentials');
const { SpeechIsCheapApi } = require('./dist/credentials/SpeechIsCheapApi.credentials');
const { AudioToTextAiApi } = require('./dist/credentials/AudioToTextAiApi.credentials');

module.exports = {
	nodes: { Hispeech, SpeechIsCheap, SpeechIsCheapTrigger, AudioToTextAi, AudioToTextAiTrigger },
	credentials: { HispeechApi, SpeechIsCheapApi, AudioToTextAiApi },
};
