/**
 * js-yaml, always from its CommonJS build. js-yaml 5.5's ESM build (what `import 'js-yaml'` resolves to)
 * creates the parser state with object spread, which leaves V8 (Node 20) on a slow path for every
 * property access of the parser: parseEvents runs 2.9x slower (measured on the 158 MB benchmark corpus
 * in 8 MB chunks: 9.3 s with the ESM build, 3.2 s with the CommonJS build of the same version).
 * The CLI bundle maps this module to the CommonJS build at build time (scripts/build.mjs).
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';

const jsyaml = createRequire(import.meta.url)('js-yaml') as typeof JsYaml;

export const parseEvents: typeof JsYaml.parseEvents = jsyaml.parseEvents;
export const getScalarValue: typeof JsYaml.getScalarValue = jsyaml.getScalarValue;
export const load: typeof JsYaml.load = jsyaml.load;
export type { Event, ScalarEvent } from 'js-yaml';
