/**
 * Process entry when running from the TypeScript sources (tests, `tsx src/cli/bin.ts`). The installed
 * CLI enters through src/cli/loader.ts instead, which runs the same module bundled, with a code cache.
 */
import './process.js';
