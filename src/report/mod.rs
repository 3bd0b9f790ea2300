//! Documents for people. Metric tables become small `Serialize` view structs, and minijinja
//! templates from `report_templates/` render them; templates never see polars types.

pub mod summary;

use minijinja::{AutoEscape, Environment};

/// The template environment: HTML templates autoescape, Markdown ones do not (they escape
/// through their own filter), whatever their file names say.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.contains(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_template(
        "summary.html.j2",
        include_str!("../../report_templates/summary.html.j2"),
    )
    .expect("bundled template parses");
    env
}
