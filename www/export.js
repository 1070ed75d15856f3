// Saves a drawing or chart as SVG or PNG. The labs render the buttons
// (<span class="export" data-export-name="raft-cluster"><button
// data-export="svg">…), next to the drawing they save: the first <svg> or
// <canvas> of the closest figure, drawing or panel. An SVG is saved with
// the page's computed styles written into it, so it looks the same opened
// alone; a PNG is drawn at twice the size on the page, on the panel's own
// background.
const STYLES = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray',
  'stroke-linecap', 'stroke-linejoin', 'opacity', 'font-family', 'font-size', 'font-weight',
  'font-style', 'font-variant', 'text-transform', 'text-anchor', 'dominant-baseline', 'paint-order',
  'letter-spacing',
];
const SVG_NS = 'http://www.w3.org/2000/svg';

function drawingOf(button) {
  const root = button.closest('figure, .topology, .panel');
  return root && root.querySelector('svg, canvas');
}

function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) return c;
  }
  return '#ffffff';
}

/** The SVG as a standalone document: computed styles inlined, hidden parts left out. */
function standalone(svg) {
  const copy = svg.cloneNode(true);
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  const hidden = [];
  from.forEach((el, i) => {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') { hidden.push(to[i]); return; }
    to[i].setAttribute('style', STYLES.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';'));
    to[i].removeAttribute('class');
  });
  hidden.forEach((el) => el.remove());
  const box = svg.getBoundingClientRect();
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(Math.round(box.width)));
  copy.setAttribute('height', String(Math.round(box.height)));
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background(svg));
  copy.insertBefore(bg, copy.firstChild);
  return { text: new XMLSerializer().serializeToString(copy), width: box.width, height: box.height };
}

function save(blob, filename) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function png(draw, width, height, bg, filename) {
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  draw(ctx, canvas.width, canvas.height);
  canvas.toBlob((blob) => blob && save(blob, filename), 'image/png');
}

function exportDrawing(button) {
  const el = drawingOf(button);
  if (!el) return;
  const lab = (/^#\/([a-z0-9]+)/.exec(location.hash) || [])[1] || (/\/pbs\//.test(location.pathname) ? 'pbs' : 'faultline');
  const name = `${lab}-${button.closest('[data-export-name]')?.dataset.exportName || 'drawing'}`;
  const bg = background(el);
  if (el instanceof HTMLCanvasElement) {
    const box = el.getBoundingClientRect();
    png((ctx, w, h) => ctx.drawImage(el, 0, 0, w, h), box.width, box.height, bg, `${name}.png`);
    return;
  }
  const svg = standalone(el);
  if (button.dataset.export === 'svg') {
    save(new Blob([svg.text], { type: 'image/svg+xml' }), `${name}.svg`);
    return;
  }
  const img = new Image();
  img.onload = () => png((ctx, w, h) => ctx.drawImage(img, 0, 0, w, h), svg.width, svg.height, bg, `${name}.png`);
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg.text);
}

document.addEventListener('click', (e) => {
  const button = e.target instanceof Element && e.target.closest('button[data-export]');
  if (!button) return;
  e.preventDefault();
  e.stopPropagation();
  exportDrawing(button);
});
