//! The PBS calculator page (built with the `pbs` feature).

fn main() {
    faultline_web::start_pbs();
}
