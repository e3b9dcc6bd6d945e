/** Replaced at build time by the bundler; tsx runs read it from here. */
export const VERSION = '0.1.0';
