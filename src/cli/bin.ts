/**
 * Process entry. On Node.js 22.1 and later, V8's code cache for the CLI's modules is kept on disk
 * (`module.enableCompileCache()`, in the OS temp folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off),
 * so runs after the first skip compiling the bundle. It must be on before the bundle is loaded,
 * hence the dynamic import. Node.js 20 has no such cache: the CLI simply loads.
 */
import module from 'node:module';

const enable = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
if (typeof enable === 'function') {
  try {
    enable();
  } catch {
    // A read-only temp folder or the like: run without the cache.
  }
}
await import('./process.js');
