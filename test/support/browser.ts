import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, which `.ci/run` installs when it is missing (Playwright's own download cannot run here). */
export const chromiumPath = process.env.PREVAIL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why browser tests cannot run (node:test prints it as the skip reason), or false when they can. Under CI a missing browser is a failure,
 * not a skip: `.ci/run` installs it.
 */
export function browserSkipReason(): string | false {
  if (existsSync(chromiumPath)) return false;
  const reason = `Chromium is not installed at ${chromiumPath} (apt-get install chromium, or set PREVAIL_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must have it`);
  return reason;
}

/**
 * Launches headless Chromium with the flags this machine needs: no sandbox (root), and no
 * background networking, component updates or sync (the closed network refuses them, many at a
 * time, and they slow every start).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
