import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

type Catalogue = (context: IExecuteFunctions, itemIndex: number) => Promise<IDataObject[]>;

/** The operation that lists one of STT.ai's catalogues (models, languages): one output item per entry. */
export function oneItemPerEntry(list: Catalogue) {
	return async function (
		this: IExecuteFunctions,
		itemIndex: number,
	): Promise<INodeExecutionData[]> {
		const entries = await list(this, itemIndex);
		return entries.map((entry) => ({ json: entry }));
	};
}
