// Figure 3 — wait for callback: status calls (goal 0) and the time from the provider's callback to
// the node's output (goal ≤ 1 s). Pending issue 7 ("Wait for callback" wait mode).
export default {
	name: 'Wait for callback',
	async run() {
		return [
			{
				figure: 'Wait for callback',
				goal: '0 status calls; callback → output ≤ 1 s',
				measured: 'pending issue 7',
				baseline: '—',
				ratio: null,
				pass: null,
				hard: false,
				note: 'The "Wait for callback" wait mode is being built (issue 7); this figure is added with it.',
			},
		];
	},
};
