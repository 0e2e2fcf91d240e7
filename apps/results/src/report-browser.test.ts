import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeFixtureResults } from './fixture-results.ts';
import { runReport } from './results-commands.ts';

/** Debian's chromium (no browser download here); CI installs it with `apt-get install -y chromium`. */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`report-browser.test.ts: skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

describe.skipIf(!haveChromium)('report.html in headless Chromium', () => {
  it('shows every chart with its axis titles, without console errors, offline', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-report-browser-'));
    const { results, models } = writeFixtureResults(root);
    const out = join(root, 'report.html');
    await runReport({ results, models, out }, () => {});

    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'mgta-chromium-profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(String(error)));
      // The page must not need the network: fail any request that is not the file itself.
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(out).href);

      expect(await page.title()).toBe('MGTA results report');
      const svgs = page.locator('figure > svg');
      expect(await svgs.count()).toBe(1 + 6 + 2 * (1 + 3) + 2 + 1);
      // Each chart actually laid out with a size, not an empty element.
      for (const box of await svgs.evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect().toJSON()))) {
        expect(box.width).toBeGreaterThan(200);
        expect(box.height).toBeGreaterThan(150);
      }
      const svgText = await svgs.evaluateAll((nodes) => nodes.map((n) => n.textContent ?? '').join('\n'));
      for (const title of ['AP (%)', 'AP, 11-point (%)', 'Class', 'Recall', 'Precision', 'Step', 'Loss', 'NMI / purity', 'Model']) {
        expect(svgText).toContain(title);
      }
      expect(await page.locator('table').count()).toBe(2);
      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(out).href]);

      const screenshot = process.env.MGTA_REPORT_SCREENSHOT ?? join(root, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    } finally {
      await context.close();
    }
  });
});
