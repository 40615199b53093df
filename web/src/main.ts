/** The playground's entry: tabs by URL hash, the status line, the data, then each tab's wiring. */
import { $, app } from './app.js';
import { setupDrawPage } from './draw-page.js';
import { setupExplainer } from './explainer.js';
import { loadSplit } from './fashion.js';
import { drawInside, setupInsidePage } from './inside-page.js';
import { describe, startBackends } from './platform.js';
import { setupTrainPage } from './train-page.js';
import { setupWeightsPage } from './weights-page.js';

function showTab(): void {
  const id = location.hash.slice(1) || 'train';
  document.querySelectorAll('section.page').forEach((section) => section.classList.toggle('active', section.id === id));
  if (id === 'inside') void drawInside();
}

async function main(): Promise<void> {
  window.addEventListener('hashchange', showTab);
  showTab();
  const status = $('status');
  const info = await startBackends();
  status.textContent = `${describe(info)} · loading Fashion-MNIST…`;
  [app.train, app.test] = await Promise.all([loadSplit('train'), loadSplit('t10k')]);
  setupTrainPage(info);
  setupInsidePage();
  setupDrawPage();
  setupExplainer();
  setupWeightsPage();
  status.textContent = `${describe(info)} · Fashion-MNIST slice: ${app.train.count} training, ${app.test.count} test images`;
  status.dataset.ready = 'true';
  showTab();
}

// the end-to-end tests and curious users read the state from the console
Object.assign(globalThis, { playground: app });
main().catch((e: Error) => {
  $('status').textContent = `error: ${e.message}`;
  $('status').dataset.error = 'true';
});
