//! Frame timing through the browser's Performance API: every animation
//! frame's work (simulation step plus render) becomes a `faultline-frame`
//! measure that benchmarks and end-to-end tests read.

const START: &str = "faultline-frame-start";
const MEASURE: &str = "faultline-frame";
/// Measures kept before the buffer is cleared (about 30 s at 60 fps).
const KEEP: u32 = 2_000;

thread_local! {
    static MEASURED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f` and records its duration as a Performance API measure named
/// `name`. The browser keeps user-timing entries until cleared, so every
/// [`KEEP`] × 4 measures all of them are cleared; callers sample windows
/// much shorter than that.
pub fn measure<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let Some(p) = performance() else {
        return f();
    };
    let count = MEASURED.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    if count > KEEP * 4 {
        MEASURED.with(|c| c.set(0));
        p.clear_measures();
    }
    let start = format!("{name}-start");
    p.mark(&start).ok();
    let out = f();
    p.measure_with_start_mark(name, &start).ok();
    p.clear_marks_with_mark_name(&start);
    out
}

/// Marks and measures frames, and knows whether the last frame's work has
/// been rendered yet.
#[derive(Default)]
pub struct FrameTimer {
    open: bool,
    pending: bool,
    count: u32,
}

/// The page's Performance API (none in native tests, where there is no
/// page and no clock).
fn performance() -> Option<web_sys::Performance> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.performance()
}

/// Milliseconds of wall time since the page opened (0 without a clock).
pub fn wall_ms() -> f64 {
    performance().map_or(0.0, |p| p.now())
}

impl FrameTimer {
    /// Whether a frame's work began and its render has not finished.
    /// Yew's scheduler yields to the browser every 16 ms and runs
    /// `rendered` callbacks (effects such as canvas drawing, and [`Self::end`])
    /// after any pending update: a lab whose frames take longer than that
    /// would start the next frame's work before the last one is drawn, and
    /// never draw. The lab skips a frame while this holds.
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// A frame's work begins.
    pub fn start(&mut self) {
        self.pending = true;
        if let Some(p) = performance() {
            self.open = p.mark(START).is_ok();
        }
    }

    /// The frame is rendered.
    pub fn end(&mut self) {
        self.pending = false;
        if !self.open {
            return;
        }
        self.open = false;
        if let Some(p) = performance() {
            self.count += 1;
            if self.count > KEEP {
                p.clear_measures_with_measure_name(MEASURE);
                self.count = 0;
            }
            p.measure_with_start_mark(MEASURE, START).ok();
            p.clear_marks_with_mark_name(START);
        }
    }
}
