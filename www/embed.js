// The embed builder on embed.html: options in, iframe code and preview out.
// Every lab with its tab label and presets, `<lab>-default` first:
// `cargo xtask dist` writes the list from the web crate's registry.
const LABS = /*labs*/[{ name: 'raft', label: 'Raft', presets: ['raft-default'] }]/*labs*/;
const presetsOf = (name) => (LABS.find((l) => l.name === name) || LABS[0]).presets;
const $ = (id) => document.getElementById(id);
const lab = new URL('index.html', location.href).href;

function fillLabs() {
  $('b-lab').replaceChildren(...LABS.map((l) => new Option(l.label, l.name)));
}

function fillPresets() {
  $('b-preset').replaceChildren(...presetsOf($('b-lab').value).map((id) => new Option(id, id)));
}

function src() {
  const opts = ['embed'];
  const preset = $('b-preset').value;
  if (!preset.endsWith('-default')) opts.push(`preset=${preset}`);
  for (const [key, id] of [['controls', 'b-controls'], ['theme', 'b-theme']]) {
    const v = $(id).value;
    if (v !== 'full' && v !== 'light') opts.push(`${key}=${v}`);
  }
  for (const [key, id] of [['autoplay', 'b-autoplay'], ['presenter', 'b-presenter'], ['speed', 'b-speed'], ['t', 'b-t']]) {
    const v = $(id).value.trim();
    if (v) opts.push(`${key}=${encodeURIComponent(v)}`);
  }
  return `${lab}#/${$('b-lab').value}?${opts.join('&')}`;
}

function update() {
  const url = src();
  const w = Math.max(200, +$('b-w').value || 640);
  const h = Math.max(150, +$('b-h').value || 420);
  const title = `faultline: ${$('b-lab').selectedOptions[0].text} lab`;
  $('b-code').textContent =
    `<iframe src="${url.replaceAll('&', '&amp;')}" title="${title}" width="${w}" height="${h}" style="border:0" loading="lazy"></iframe>`;
  const frame = $('b-frame');
  frame.width = w;
  frame.height = h;
  frame.title = title;
  if (frame.src !== url) frame.src = url;
}

$('b-lab').addEventListener('change', () => { fillPresets(); update(); });
$('builder').addEventListener('input', update);
$('b-copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('b-code').textContent);
    $('b-status').textContent = 'Copied.';
  } catch {
    $('b-status').textContent = 'Select the code and copy it (Ctrl+C).';
  }
});
fillLabs();
fillPresets();
update();
