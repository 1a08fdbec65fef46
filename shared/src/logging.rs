//! The functions' logs, as Lambda's advanced logging controls ask for them: JSON lines when
//! `AWS_LAMBDA_LOG_FORMAT` is `JSON`, at the level `AWS_LAMBDA_LOG_LEVEL` (else `RUST_LOG`, else
//! INFO) names. What `lambda_runtime`'s default subscriber does, without its `EnvFilter` and the regex
//! engine that comes with it, and with one more rule: only our own crates log below WARN. Our lines
//! never hold event text; other crates' debug lines may (html5ever logs every token of a Graph body,
//! `lambda_runtime` every raw event), so they are held to WARN whatever the level.

use std::str::FromStr;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The crates whose log lines are ours: they may log at the configured level.
const OUR_CRATES: [&str; 7] =
    ["share_core", "share_calendar", "publish_share", "view_share", "share_settings", "unlock_share", "local_api"];

pub fn init_for_lambda() {
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL").or_else(|_| std::env::var("RUST_LOG"));
    let lines = tracing_subscriber::fmt::layer().with_target(false).without_time().with_ansi(false);
    let registry = tracing_subscriber::registry().with(log_filter(level_of(level.ok().as_deref())));
    if json {
        registry.with(lines.json().with_writer(std::io::stdout)).init()
    } else {
        registry.with(lines.with_writer(std::io::stdout)).init()
    }
}

/// Our crates at `level`, every other crate at WARN at the most.
pub fn log_filter(level: LevelFilter) -> Targets {
    Targets::new().with_default(level.min(LevelFilter::WARN)).with_targets(OUR_CRATES.map(|name| (name, level)))
}

/// A level name in any case (`info`, `WARN`), else INFO.
pub fn level_of(name: Option<&str>) -> LevelFilter {
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

    #[test]
    fn only_our_crates_log_below_warn() {
        let filter = log_filter(LevelFilter::DEBUG);
        assert!(filter.would_enable("share_core::service", &tracing::Level::DEBUG));
        assert!(filter.would_enable("view_share", &tracing::Level::DEBUG));
        assert!(!filter.would_enable("html5ever::tokenizer", &tracing::Level::DEBUG));
        assert!(!filter.would_enable("lambda_runtime", &tracing::Level::INFO));
        assert!(filter.would_enable("html5ever::tokenizer", &tracing::Level::WARN));
        let quiet = log_filter(LevelFilter::ERROR);
        assert!(!quiet.would_enable("aws_smithy_runtime", &tracing::Level::WARN), "never above the level");
    }
}
