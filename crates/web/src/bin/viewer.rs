//! The log viewer page (built with the `viewer` feature).

fn main() {
    faultline_web::start_viewer();
}
