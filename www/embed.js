// The embed builder on embed.html: options in, iframe code and preview out.
const PRESETS = {
  raft: ['raft-default', 'raft-split-vote', 'raft-zombie-leader', 'raft-minority-partition', 'raft-rejoin-disrupts', 'raft-rejoin-prevote', 'raft-stale-leader', 'raft-check-quorum', 'raft-stress'],
  clocks: ['clocks-default', 'clocks-lww-vs-vector', 'clocks-stress'],
  gossip: ['gossip-default', 'gossip-thousand', 'gossip-partition', 'gossip-mongering', 'gossip-swim'],
  quorum: ['quorum-default', 'quorum-stale-read', 'quorum-sloppy-handoff', 'quorum-stress'],
  ring: ['ring-default', 'ring-partition', 'ring-stress'],
  paxos: ['paxos-default', 'paxos-dueling', 'paxos-proposer-crash', 'paxos-minority', 'paxos-stress'],
  '2pc': ['2pc-default', '2pc-one-votes-no', '2pc-coordinator-crash', '2pc-coordinator-restarts', '2pc-stress'],
};
const $ = (id) => document.getElementById(id);
const lab = new URL('index.html', location.href).href;

function fillPresets() {
  const select = $('b-preset');
  select.replaceChildren(...PRESETS[$('b-lab').value].map((id) => new Option(id, id)));
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
fillPresets();
update();
