// n8n loads the package through the `n8n` section of package.json; this entry exports the same
// built classes (by class name) for anyone who requires the package directly.
const path = require('node:path');
const { n8n } = require('./package.json');

const load = (files) =>
	Object.assign({}, ...files.map((file) => require(path.join(__dirname, file))));

module.exports = {
	nodes: load(n8n.nodes),
	credentials: load(n8n.credentials),
};
