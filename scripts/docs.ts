// npm run docs: regenerates conformance/CHECKS.md.
import { writeFileSync } from 'node:fs';
import { renderChecksDoc } from '../conformance/checks-doc.js';

writeFileSync(new URL('../conformance/CHECKS.md', import.meta.url), renderChecksDoc());
console.log('wrote conformance/CHECKS.md');
