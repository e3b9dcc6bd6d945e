/**
 * Headless Chromium for browser tests (Debian's `chromium` package, installed by
 * scripts/install-chromium.sh), driven by playwright-core (which never downloads a browser).
 *
 * Without Chromium the browser tests skip locally with the reason, and fail in CI (CI set), where
 * .ci/run is expected to install it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.KUBEREADY_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const inCi = () => {
  const v = process.env.CI;
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
};

const MISSING = `Chromium not found at ${CHROMIUM_PATH}: run scripts/install-chromium.sh (or set KUBEREADY_CHROMIUM to a Chromium binary)`;

/**
 * `skip` option for the browser suite: a reason string when Chromium is missing and this is not
 * CI; false otherwise (in CI a missing Chromium then fails in `launchChromium` with the reason).
 */
export function chromiumSkip(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  return inCi() ? false : `${MISSING}; skipped (CI is not set)`;
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** A fresh persistent context (own user-data-dir, removed on close) in headless Chromium. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${MISSING}. CI is set, so this fails: .ci/run must call scripts/install-chromium.sh before the tests.`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'kubeready-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    offline: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
