/**
 * For credential tests whose request answers a valid key with 404 (a lookup of a job that cannot
 * exist): every 4xx and 5xx status but 404, for `ignoreHttpStatusErrors.except`, so a wrong key, a
 * server error or a wrong Base URL fails the test on n8n 2.x.
 */
export const ERRORS_BUT_NOT_FOUND = Array.from({ length: 200 }, (_, index) => 400 + index).filter(
	(status) => status !== 404,
);
