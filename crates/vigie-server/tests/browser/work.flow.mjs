// The work pages' journeys (run by pages.mjs, signed in as an administrator): import a French
// Excel export and watch it finish; screen a campaign described in the form and download the
// decisions with the identifiers; check a number typed as people type it, log a refusal, and
// read « N'appelez pas ». Each ends with the usual checks (axe-core, width) and a screenshot.
import fs from 'node:fs';

/** Reloads `url` until the page says it is done (the page also reloads itself while running). */
async function waitDone(page, goto, url, done, failures, what) {
  for (let i = 0; i < 120; i++) {
    const text = await page.textContent('main');
    if (text.includes(done)) return true;
    await page.waitForTimeout(250);
    await goto(url);
  }
  failures.push(`${what}: never done`);
  return false;
}

export async function run({ page, goto, check, failures }) {
  // 1. Import: semicolons, Windows-1252 (é = 0xE9), CRLF, one bad row; import the valid rows.
  const rows = [
    'contact_ref;email;phone;audience;customer;customer_categories;collected_via;collected_at;informed;objection_offered;contract_active;restricted;first_name',
    'C002;helene@example.org;06 11 22 33 44;consumer;false;;web_form;2026-01-05T10:00:00Z;true;true;false;false;Hélène',
    'C003;pas-une-adresse;;consumer;false;;web_form;2026-01-05T10:00:00Z;true;true;false;false;Zoé',
  ];
  await goto('/imports?lang=fr');
  await page.selectOption('select[name=kind]', 'contacts');
  await page.setInputFiles('input[name=file]', {
    name: 'export clients.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\r\n') + '\r\n', 'latin1'),
  });
  await page.check('input[name=skip_invalid]');
  await Promise.all([page.waitForURL(/\/imports\/[0-9a-f]{32}/), page.click('form.upload button[type=submit]')]);
  const importUrl = new URL(page.url()).pathname + '?lang=fr';
  if (await waitDone(page, goto, importUrl, 'Terminé.', failures, 'import')) {
    const text = await page.textContent('main');
    if (!/Ajoutés\s*1/.test(text)) failures.push(`import: one contact inserted expected: ${text.slice(0, 300)}`);
    if (!text.includes('email')) failures.push('import: the rejected row names its field');
    await check('import-done', 'fr', 1280);
    await check('import-done', 'fr', 390);
  }

  // 2. Screening: the campaign in the form, the list, the decisions with the identifiers.
  await goto('/screenings?lang=en');
  await page.fill('input[name=name]', 'Spring sale');
  await page.selectOption('select[name=channel]', 'email');
  await page.fill('input[name=date]', '2026-03-10');
  await page.fill('input[name=time]', '10:30');
  await page.setInputFiles('input[name=targets]', {
    name: 'spring.csv', mimeType: 'text/csv',
    buffer: Buffer.from('email,contact_ref\nmarie.martin@orange.fr,C001\nnobody@example.org,X9\n'),
  });
  await Promise.all([page.waitForURL(/\/screenings\/[0-9a-f]{32}/), page.click('form.upload button[type=submit]')]);
  const screeningUrl = new URL(page.url()).pathname + '?lang=en';
  if (await waitDone(page, goto, screeningUrl, 'Done.', failures, 'screening')) {
    await check('screening-done', 'en', 1280);
    await check('screening-done', 'en', 390);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('p.download a')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    if (!csv.startsWith('row,email,contact_ref,decision,code,reason')) failures.push(`screening download: ${csv.slice(0, 200)}`);
    if (!csv.includes('1,marie.martin@orange.fr,C001,allow,CONSENT')) failures.push(`screening download lacks the identifiers: ${csv}`);
  }

  // 3. The agent: keyboard first (the box has the focus), then one click to log a refusal.
  await goto('/agent?at=2026-03-10T11:00:00%2B01:00&lang=fr');
  await page.keyboard.type('06.12.34.56.78');
  await Promise.all([page.waitForURL(/q=/), page.keyboard.press('Enter')]);
  if (!(await page.textContent('main')).includes('Vous pouvez appeler maintenant')) failures.push('agent: the number should be callable first');
  await check('agent-callable', 'fr', 390);
  await Promise.all([page.waitForURL(/done=refused/), page.click('button[value=refused]')]);
  const after = await page.textContent('main');
  if (!after.includes("N'appelez pas")) failures.push(`agent: after a refusal the page must say not to call: ${after.slice(0, 300)}`);
  await check('agent-refused', 'fr', 1280);
  await check('agent-refused', 'fr', 390);
}
