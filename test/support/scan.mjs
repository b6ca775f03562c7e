// Runs n8n's package scanner (@n8n/scan-community-package) on one folder and prints its verdict as JSON:
//   node test/support/scan.mjs <dir> [<patterns as JSON>]   (default: the scanner's SOURCE_FILE_PATTERNS)
// The scanner downloads packages from npm; its exported analyzePackage is the lint it runs on them. It is an
// ES module, so jest (CommonJS) runs it in a child process.
import path from 'node:path';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const [dir, patterns] = process.argv.slice(2);
const result = await analyzePackage(
	path.resolve(dir),
	patterns ? JSON.parse(patterns) : SOURCE_FILE_PATTERNS,
);
process.stdout.write(
	JSON.stringify({ passed: result.passed, message: result.message, details: result.details }),
);
