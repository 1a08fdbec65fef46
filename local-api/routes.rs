//! API Gateway's part in route matching: which function serves a method and path, with the path
//! parameters it extracts. The table is the one `template.yaml` must match (tests/routes.rs).

use hyper::Method;

/// The Lambda functions, by the binary name `template.yaml` builds them under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    PublishShare,
    ViewShare,
    ShareSettings,
    UnlockShare,
    PageAssets,
    Console,
}

impl Function {
    pub const ALL: [Function; 6] = [
        Function::PublishShare,
        Function::ViewShare,
        Function::ShareSettings,
        Function::UnlockShare,
        Function::PageAssets,
        Function::Console,
    ];

    pub fn binary(self) -> &'static str {
        match self {
            Self::PublishShare => "publish-share",
            Self::ViewShare => "view-share",
            Self::ShareSettings => "share-settings",
            Self::UnlockShare => "unlock-share",
            Self::PageAssets => "page-assets",
            Self::Console => "share-console",
        }
    }

    pub fn routes(self) -> &'static [&'static str] {
        match self {
            Self::PublishShare => publish_share::ROUTES,
            Self::ViewShare => view_share::ROUTES,
            Self::ShareSettings => share_settings::ROUTES,
            Self::UnlockShare => unlock_share::ROUTES,
            Self::PageAssets => page_assets::ROUTES,
            Self::Console => share_console::ROUTES,
        }
    }

    /// Recipients' routes and the console's files carry no token; every other route is behind the
    /// JWT authorizer.
    pub fn is_public(self) -> bool {
        matches!(self, Self::ViewShare | Self::UnlockShare | Self::PageAssets | Self::Console)
    }
}

/// What API Gateway would have matched: the function, its route key and the path parameters.
pub struct MatchedRoute {
    pub function: Function,
    pub route_key: &'static str,
    pub parameters: Vec<(String, String)>,
}

/// As API Gateway chooses: a route without a greedy `{name+}` parameter before one with it.
pub fn find_route(method: &Method, path: &str) -> Option<MatchedRoute> {
    let routes = || Function::ALL.into_iter().flat_map(|f| f.routes().iter().map(move |key| (f, *key)));
    let (exact, greedy): (Vec<_>, Vec<_>) = routes().partition(|(_, key)| !key.contains("+}"));
    exact.into_iter().chain(greedy).find_map(|(function, route_key)| {
        let (route_method, template) = split_route_key(route_key);
        if route_method != method.as_str() {
            return None;
        }
        match_path(template, path).map(|parameters| MatchedRoute { function, route_key, parameters })
    })
}

/// Whether any route serves this path, whatever the method (for CORS preflight).
pub fn is_route_path(path: &str) -> bool {
    Function::ALL
        .into_iter()
        .flat_map(|function| function.routes())
        .any(|key| match_path(split_route_key(key).1, path).is_some())
}

/// Splits a route key into its method and path template.
fn split_route_key(route_key: &str) -> (&str, &str) {
    route_key.split_once(' ').unwrap_or(("", route_key))
}

/// Matches a concrete path against a template such as `/shares/{id}/rotate`, returning the
/// path parameters; a last `{name+}` takes the rest of the path (at least one character).
fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let mut parameters = Vec::new();
    let mut template_parts = template.trim_start_matches('/').split('/');
    let mut path_parts = path.trim_start_matches('/').split('/');
    loop {
        match (template_parts.next(), path_parts.next()) {
            (None, None) => return Some(parameters),
            (Some(t), Some(p)) if t.starts_with('{') && t.ends_with("+}") => {
                let rest: Vec<&str> = std::iter::once(p).chain(path_parts).collect();
                let rest = rest.join("/");
                if rest.is_empty() || template_parts.next().is_some() {
                    return None;
                }
                parameters.push((t[1..t.len() - 2].to_owned(), percent_decoded(&rest)));
                return Some(parameters);
            }
            (Some(t), Some(p)) if t.starts_with('{') && t.ends_with('}') && !p.is_empty() => {
                parameters.push((t[1..t.len() - 1].to_owned(), percent_decoded(p)));
            }
            (Some(t), Some(p)) if t == p => {}
            _ => return None,
        }
    }
}

/// A path segment as API Gateway hands its parameters over: percent-decoded (a `%` not followed by
/// two hex digits stays as it is).
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_percent_decoded_as_api_gateway_hands_them_over() {
        assert_eq!(match_path("/shares/{id}", "/shares/a%20b%2F"), Some(vec![("id".into(), "a b/".into())]));
        assert_eq!(match_path("/s/{id}", "/s/100%25%zz%4"), Some(vec![("id".into(), "100%%zz%4".into())]));
        assert_eq!(match_path("/s/{id}", "/s/%C3%A9"), Some(vec![("id".into(), "é".into())]));
    }

    #[test]
    fn paths_match_templates_with_parameters() {
        assert_eq!(match_path("/shares/{id}", "/shares/abc"), Some(vec![("id".into(), "abc".into())]));
        assert_eq!(match_path("/shares/{id}/rotate", "/shares/abc/rotate").map(|p| p.len()), Some(1));
        assert_eq!(match_path("/shares/{id}", "/shares/abc/rotate"), None);
        assert_eq!(match_path("/shares/{id}", "/shares/"), None);
        assert_eq!(match_path("/shares", "/shares"), Some(vec![]));
        assert_eq!(match_path("/s/{proxy+}", "/s/abc/"), Some(vec![("proxy".into(), "abc/".into())]));
        assert_eq!(match_path("/s/{proxy+}", "/s/a/b/c"), Some(vec![("proxy".into(), "a/b/c".into())]));
        assert_eq!(match_path("/s/{proxy+}", "/s/"), None);
        assert_eq!(match_path("/s/{proxy+}", "/s"), None);
    }

    #[test]
    fn a_greedy_route_matches_only_what_no_other_route_does() {
        let key = |method: Method, path: &str| find_route(&method, path).map(|m| m.route_key);
        assert_eq!(key(Method::GET, "/s/abc"), Some("GET /s/{id}"));
        assert_eq!(key(Method::HEAD, "/s/abc/calendar.ics"), Some("HEAD /s/{id}/calendar.ics"));
        assert_eq!(key(Method::GET, "/s/abc/"), Some("GET /s/{proxy+}"));
        assert_eq!(key(Method::HEAD, "/s/abc/calendar.ics/x"), Some("HEAD /s/{proxy+}"));
        assert_eq!(key(Method::POST, "/s/abc/"), None);
    }

    #[test]
    fn each_route_belongs_to_one_function() {
        let matched = find_route(&Method::GET, "/s/abc/calendar.ics").expect("a recipients' route");
        assert_eq!(matched.function, Function::ViewShare);
        assert_eq!(matched.route_key, "GET /s/{id}/calendar.ics");
        assert_eq!(find_route(&Method::PUT, "/settings").map(|m| m.function), Some(Function::ShareSettings));
        assert_eq!(find_route(&Method::GET, "/me/sharing").map(|m| m.function), Some(Function::PublishShare));
        assert!(find_route(&Method::PATCH, "/shares").is_none());
        assert!(is_route_path("/shares/abc/rotate") && !is_route_path("/nowhere"));
    }
}
