'use strict';
// Empties the build output before `tsc` runs, so a file deleted or renamed in the sources never
// lingers in dist/ and ships (`npm run build` runs this first; no dependency needed).
const fs = require('node:fs');
const path = require('node:path');

fs.rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });
