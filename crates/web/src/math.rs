//! The few transcendental functions the page draws with, from the
//! browser's `Math`.
//!
//! Rust's `f64::sin`, `cos`, `powf` and `log10` compile libm into the wasm
//! (about 7 kB, most of it `sin`'s argument reduction). The page needs them
//! only to place nodes on a circle and to turn the speed slider's exponent
//! into a factor: layout, never simulation, so the browser's own functions
//! serve as well. Native builds (the web crate's unit tests) use the
//! standard library's.

#[cfg(target_arch = "wasm32")]
use js_sys::Math;

/// The sine of `x` (radians).
pub fn sin(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return Math::sin(x);
    #[cfg(not(target_arch = "wasm32"))]
    return x.sin();
}

/// The cosine of `x` (radians).
pub fn cos(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return Math::cos(x);
    #[cfg(not(target_arch = "wasm32"))]
    return x.cos();
}

/// Ten to the power `x`.
pub fn exp10(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return Math::pow(10.0, x);
    #[cfg(not(target_arch = "wasm32"))]
    return 10f64.powf(x);
}

/// The base-ten logarithm of `x`.
pub fn log10(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return Math::log10(x);
    #[cfg(not(target_arch = "wasm32"))]
    return x.log10();
}
