//! The functions' logs, as Lambda's advanced logging controls ask for them: JSON lines when
//! `AWS_LAMBDA_LOG_FORMAT` is `JSON`, at the level `AWS_LAMBDA_LOG_LEVEL` (else `RUST_LOG`, else
//! INFO) names. What `lambda_runtime`'s default subscriber does, with one level for every target
//! instead of its `EnvFilter` and the regex engine that comes with it.

use std::str::FromStr;
use tracing_subscriber::filter::LevelFilter;

pub fn init_for_lambda() {
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL").or_else(|_| std::env::var("RUST_LOG"));
    let collector = tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_ansi(false)
        .with_max_level(level_of(level.ok().as_deref()))
        .with_writer(std::io::stdout);
    if json { collector.json().init() } else { collector.init() }
}

/// A level name in any case (`info`, `WARN`), else INFO.
fn level_of(name: Option<&str>) -> LevelFilter {
    name.and_then(|name| LevelFilter::from_str(name.trim()).ok()).unwrap_or(LevelFilter::INFO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_read_in_any_case_and_default_to_info() {
        assert_eq!(level_of(Some("debug")), LevelFilter::DEBUG);
        assert_eq!(level_of(Some("WARN")), LevelFilter::WARN);
        assert_eq!(level_of(Some("off")), LevelFilter::OFF);
        assert_eq!(level_of(Some("share_core=debug")), LevelFilter::INFO, "directives are not read");
        assert_eq!(level_of(None), LevelFilter::INFO);
    }
}
