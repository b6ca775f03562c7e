// n8n loads the package through the `n8n` section of package.json; this entry exports the same built
// classes (by class name) for anyone who requires the package directly. Plain static requires, so
// n8n's package scanner passes; test/packaging/packages.test.js checks that they match package.json.
module.exports = {
	nodes: {
		...require('./dist/nodes/AudioToTextAi/AudioToTextAi.node.js'),
		...require('./dist/nodes/AudioToTextAiTrigger/AudioToTextAiTrigger.node.js'),
		...require('./dist/nodes/Hispeech/Hispeech.node.js'),
		...require('./dist/nodes/SpeechIsCheap/SpeechIsCheap.node.js'),
		...require('./dist/nodes/SpeechIsCheapTrigger/SpeechIsCheapTrigger.node.js'),
		...require('./dist/nodes/SttAi/SttAi.node.js'),
		...require('./dist/nodes/TranscribeApi/TranscribeApi.node.js'),
		...require('./dist/nodes/TranscribeApiTrigger/TranscribeApiTrigger.node.js'),
	},
	credentials: {
		...require('./dist/credentials/AudioToTextAiApi.credentials.js'),
		...require('./dist/credentials/HispeechApi.credentials.js'),
		...require('./dist/credentials/SpeechIsCheapApi.credentials.js'),
		...require('./dist/credentials/SttAiApi.credentials.js'),
		...require('./dist/credentials/TranscribeApiApi.credentials.js'),
	},
};
