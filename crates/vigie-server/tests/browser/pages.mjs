// Drives headless Chromium over Vigie's pages: signs in with the password and a TOTP code, then
// opens every page in French and in English, at 1280 and 390 px wide, runs axe-core on each
// (no serious or critical violation allowed), checks nothing overflows the window sideways, and
// saves a screenshot under $VIGIE_SCREENSHOTS. Run by tests/it/browser.rs, which starts the
// server and passes everything in the environment; exits non-zero with the reasons on failure.
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const require = createRequire(path.join(env('VIGIE_WEB_TEST_MODULES'), 'x.js'));
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const base = env('VIGIE_BASE');
const shots = env('VIGIE_SCREENSHOTS');
const pages = JSON.parse(env('VIGIE_PAGES')); // [{name, path, public}]
fs.mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.VIGIE_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const failures = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Anything the CSP blocks on our own pages (an inline style, a script) is a failure.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) failures.push(`${page.url()}: ${m.text()}`);
  });
  const goto = async (p) => {
    const r = await page.goto(base + p);
    return r.status();
  };

  // Public pages first (before signing in).
  const check = async (name, lang, width, expectStatus) => {
    await page.setViewportSize({ width, height: 900 });
    // Evaluated through the DevTools protocol: the page's strict CSP stays in force.
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () =>
      await window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        failures.push(`${name} (${lang}, ${width} px): ${v.id} (${v.impact}): ${v.help} — ` +
          v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
      }
    }
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 1) {
      // Name the elements that stick out, innermost first, to say what to fix.
      const culprits = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > w + 1 && ![...e.children].some((c) => c.getBoundingClientRect().right > w + 1))
          .slice(0, 3)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} «${(e.textContent || '').trim().slice(0, 40)}»`);
      });
      failures.push(`${name} (${lang}, ${width} px): the page is ${overflow} px wider than the window: ${culprits.join('; ')}`);
    }
    const htmlLang = await page.getAttribute('html', 'lang');
    if (htmlLang !== lang) failures.push(`${name}: <html lang="${htmlLang}">, expected ${lang}`);
    await page.screenshot({ path: path.join(shots, `${name}-${lang}-${width}.png`), fullPage: true });
  };
  const visit = async (p) => {
    for (const lang of ['fr', 'en']) {
      const sep = p.path.includes('?') ? '&' : '?';
      const status = await goto(`${p.path}${sep}lang=${lang}`);
      if (status !== (p.status || 200)) failures.push(`${p.name} (${lang}): HTTP ${status}`);
      for (const width of [1280, 390]) await check(p.name, lang, width);
    }
  };

  for (const p of pages.filter((p) => p.public)) await visit(p);

  // Sign in: password, then the TOTP code computed by the Rust side.
  await goto('/login?lang=fr');
  await page.fill('input[name=email]', env('VIGIE_EMAIL'));
  await page.fill('input[name=password]', env('VIGIE_PASSWORD'));
  await Promise.all([page.waitForURL('**/login/totp**'), page.click('button[type=submit]')]);
  await check('totp', 'fr', 1280);
  await page.fill('input[name=code]', env('VIGIE_TOTP_CODE'));
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
  const heading = await page.textContent('h1');
  if (!heading) failures.push('no heading after signing in');

  // The language switch is remembered: a page opened without ?lang= keeps the last choice.
  await goto('/?lang=en');
  await goto('/contacts');
  if ((await page.getAttribute('html', 'lang')) !== 'en') failures.push('the language choice was not remembered');
  await goto('/?lang=fr');

  for (const p of pages.filter((p) => !p.public)) await visit(p);

  // A destructive step asks to confirm, without JavaScript: the button is hidden until opened.
  const request = pages.find((p) => p.name === 'request');
  if (request) {
    await goto(request.path + '?lang=fr');
    const confirm = page.locator('details.confirm button.danger').first();
    if (await confirm.isVisible()) failures.push('a destructive step is one click away');
    await page.locator('details.confirm summary').first().click();
    if (!(await confirm.isVisible())) failures.push('opening the confirmation shows no button');
    await page.screenshot({ path: path.join(shots, 'request-confirm-fr-390.png'), fullPage: true });
  }

  // Administration: invite a member, then open the set-up link as they would (no session).
  if (pages.some((p) => p.name === 'admin-members')) {
    await goto('/admin?lang=fr');
    await page.fill('#f-email', 'nouvelle@example.org');
    await page.selectOption('#f-role', 'marketer');
    await Promise.all([page.waitForLoadState('load'), page.click('form.step:has(#f-email) button[type=submit]')]);
    const link = await page.getAttribute('a.setup', 'href');
    if (!link || !link.startsWith(base + '/setup/')) failures.push(`the set-up link is not on the server's address: ${link}`);
    await check('setup-link', 'fr', 1280);
    if (link) {
      const stranger = await browser.newContext({ viewport: { width: 390, height: 900 } });
      const other = await stranger.newPage();
      const r = await other.goto(link);
      if (r.status() !== 200) failures.push(`the set-up link answers HTTP ${r.status()}`);
      if (!(await other.locator('input[type=password]').count())) failures.push('the set-up link shows no password field');
      await other.screenshot({ path: path.join(shots, 'setup-page-fr-390.png'), fullPage: true });
      await stranger.close();
    }
  }

  // A token: created with a scope, its secret shown once, then revoked after confirming.
  if (pages.some((p) => p.name === 'admin-tokens')) {
    await goto('/admin/tokens?lang=fr');
    await page.fill('#f-name', 'CRM');
    await page.check('#f-scope-contacts-read');
    await Promise.all([page.waitForLoadState('load'), page.click('form.step:has(#f-name) button[type=submit]')]);
    const secret = (await page.textContent('#token-secret')) || '';
    if (!secret.startsWith('vigie_tok_')) failures.push(`no token secret shown: ${secret}`);
    await check('token-secret', 'fr', 390);
    await goto('/admin/tokens?lang=fr');
    if ((await page.content()).includes(secret)) failures.push('the token secret is shown twice');
    const revoke = page.locator('details.confirm button.danger').first();
    if (await revoke.isVisible()) failures.push('revoking a token is one click away');
    await page.locator('details.confirm summary').first().click();
    await Promise.all([page.waitForLoadState('load'), revoke.click()]);
    if (!(await page.textContent('main')).includes('Jeton révoqué')) failures.push('the revocation is not confirmed');
    await check('token-revoked', 'fr', 1280);
  }

  // Journeys of other pages (modules beside this one, named in VIGIE_FLOWS), signed in, with the
  // same checks.
  for (const flow of JSON.parse(process.env.VIGIE_FLOWS || '[]')) {
    const { run } = await import(new URL(flow, import.meta.url).href);
    await run({ page, goto, check, failures, shots });
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('browser checks passed');
