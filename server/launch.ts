// How the language server process should be started, for every launcher we control (the VS Code client, the
// benchmark) and documented for the others (README, "Other editors").

/**
 * Environment for the server process. glibc gives every thread that allocates its own malloc arena and never
 * returns their pages: V8's helper threads (garbage collection, compilers) kept ~12 MB of RSS after 200 documents
 * were opened and closed (88 MB against 75 MB idle, 1.17×). With two arenas it comes back to 75-81 MB against
 * 73-74 MB (1.03-1.09×) and peaks lower (123 MB instead of 128 MB); latency did not change (one arena: cold lints
 * of 5,000 lines 5-10% slower). Ignored by other C libraries and systems.
 */
export const SERVER_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
