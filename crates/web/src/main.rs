//! The lab page: the app with whichever labs this build carries.

fn main() {
    faultline_web::start_lab();
}
