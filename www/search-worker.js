// The "Break it" search's worker: it loads this lab's search wasm (built
// beside the lab's own, with the same lab, by www/lab.html) and runs the
// slices of runs the page posts, so the search never holds up the page. A
// slice is JSON in, JSON out (see crates/web/src/explore.rs).
import init, { explore_chunk } from './faultline-search.js';

const ready = init({ module_or_path: new URL('./faultline-search_bg.wasm', import.meta.url) });

self.onmessage = async (e) => {
  try {
    await ready;
    self.postMessage(explore_chunk(e.data));
  } catch (err) {
    self.postMessage(JSON.stringify({ error: String(err) }));
  }
};
