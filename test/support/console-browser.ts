import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from './browser.js';
import { testPassword } from './console-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** How long any one wait in a browser test may take (the machine is small and shared). */
export const browserTimeoutMs = 15_000;

/**
 * Why the console's browser tests cannot run, or false: no Chromium (see `browserSkipReason`), or
 * no console build (`npm run build:console`; `npm test` builds it first, so under CI it is a failure).
 */
export function consoleSkipReason(): string | false {
  const browser = browserSkipReason();
  if (browser !== false) return browser;
  if (existsSync(join(root, 'build', 'console', 'index.html'))) return false;
  const reason = 'the console is not built (npm run build:console)';
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must build it`);
  return reason;
}

/** The viewport every console page is tested (and photographed) at. */
export const viewport = { width: 1280, height: 800 } as const;

/** A Chromium for one suite, with the one context its pages open in. */
export interface ConsoleBrowser {
  readonly browser: Browser;
  /** At `viewport`, every wait bounded by `browserTimeoutMs`. */
  readonly context: BrowserContext;
  /** Closes the context, then the browser. */
  close(): Promise<void>;
}

/** Launches Chromium and opens the context a console suite's pages share (see `ConsoleBrowser`). */
export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(browserTimeoutMs);
  return {
    browser,
    context,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}

/**
 * Signs in through the login page as `login` (with `password`, by default the one `addPerson`
 * gives) and waits to leave it.
 */
export async function signIn(page: Page, baseUrl: string, login: string, password = testPassword): Promise<void> {
  await page.goto(`${baseUrl}/console/login`);
  await page.getByTestId('login-name').fill(login);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  await page.getByTestId('signed-in-as').waitFor();
}

/** Signs out with the banner's button and waits for the login page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('login-form').waitFor();
}

/** The serious and critical accessibility violations axe finds on the page, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}

/**
 * With `PREVAIL_SCREENSHOTS=1`, saves the page (the viewport, 1280×800) as `docs/console/<name>.png`
 * for the documentation; otherwise does nothing, so test runs never rewrite the files.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.PREVAIL_SCREENSHOTS !== '1') return;
  const folder = join(root, 'docs', 'console');
  await mkdir(folder, { recursive: true });
  await page.mouse.move(0, 0); // no chart tooltip or hover state in the picture
  await page.screenshot({ path: join(folder, `${name}.png`), animations: 'disabled' });
}
