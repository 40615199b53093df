/**
 * Debian's Chromium driven by playwright-core, started as the issue prescribes: headless, no sandbox, nothing
 * fetched from the network, a fresh profile per launch; `webgpu` swaps --disable-gpu for --enable-unsafe-webgpu
 * (SwiftShader's software adapter).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CONVKIT_CHROMIUM ?? '/usr/bin/chromium';
export const INSTALL_HINT = 'apt-get install -y chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function missingBrowser(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} not found: the web pages' end-to-end tests need Debian's Chromium (${INSTALL_HINT}, or set CONVKIT_CHROMIUM)`;
}

const FLAGS = ['--headless=new', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch(opts: { webgpu: boolean }): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'convkit-chromium-'));
  const args = [...FLAGS, ...(opts.webgpu ? ['--enable-unsafe-webgpu'] : ['--disable-gpu'])];
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args, ignoreDefaultArgs: ['--headless'], acceptDownloads: true, viewport: { width: 1000, height: 900 } });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
