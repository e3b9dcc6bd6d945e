// Regenerate docs/checks.md and docs/config.schema.json from check metadata.
import { writeFileSync } from 'node:fs';
import { allChecks } from '../src/checks/index.js';
import { renderChecksMarkdown } from '../src/report/checks-doc.js';
import { configSchema } from '../src/engine/config.js';

writeFileSync('docs/checks.md', renderChecksMarkdown(allChecks));
writeFileSync('docs/config.schema.json', JSON.stringify(configSchema(allChecks), null, 2) + '\n');
console.log(`docs/checks.md: ${allChecks.length} checks`);
