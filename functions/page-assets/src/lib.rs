//! The sealed page's two files, served same-origin with the recipients' links: the script the shell
//! loads and the renderer it runs. Their names change with their content, so they are cached for a
//! year; every other name is 404. No store, no secret, no data of anyone's.

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

#[cfg(feature = "function")]
mod function {
    use super::*;
    use lambda_http::http::{HeaderMap, Method, StatusCode, header};
    use lambda_http::{Body, Request, Response};

    pub const ROUTES: &[&str] = &["GET /assets/{file}", "HEAD /assets/{file}"];

    struct Asset {
        content_type: &'static str,
        bytes: &'static [u8],
        gzipped: &'static [u8],
    }

    fn asset(path: &str) -> Option<Asset> {
        match path {
            SCRIPT_PATH => Some(Asset {
                content_type: "text/javascript; charset=utf-8",
                bytes: SCRIPT_BYTES,
                gzipped: SCRIPT_GZIPPED,
            }),
            RENDERER_PATH => {
                Some(Asset { content_type: "application/wasm", bytes: RENDERER_BYTES, gzipped: RENDERER_GZIPPED })
            }
            _ => None,
        }
    }

    fn accepts_gzip(headers: &HeaderMap) -> bool {
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|coding| {
                let mut parts = coding.split(';').map(str::trim);
                let name = parts.next().unwrap_or_default();
                let refused = parts.any(|param| param.replace(' ', "").eq_ignore_ascii_case("q=0"));
                (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
            })
    }

    /// One asset by its path, gzipped when the client takes gzip.
    pub fn respond(request: &Request) -> Response<Body> {
        let found = asset(request.uri().path()).filter(|_| matches!(*request.method(), Method::GET | Method::HEAD));
        let builder = Response::builder()
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header("cross-origin-resource-policy", "same-origin");
        let Some(asset) = found else {
            return builder
                .status(StatusCode::NOT_FOUND)
                .header(header::CACHE_CONTROL, "no-store")
                .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(Body::Text("Not found\n".into()))
                .expect("valid response");
        };
        let gzip = accepts_gzip(request.headers());
        let bytes = if gzip { asset.gzipped } else { asset.bytes };
        let mut builder = builder
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, asset.content_type)
            .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
            .header(header::VARY, "Accept-Encoding");
        if gzip {
            builder = builder.header(header::CONTENT_ENCODING, "gzip");
        }
        let body = if *request.method() == Method::HEAD { Body::Empty } else { Body::Binary(bytes.to_vec()) };
        builder.body(body).expect("valid response")
    }

    pub async fn run_in_lambda() -> Result<(), lambda_http::Error> {
        lambda_http::run(lambda_http::service_fn(|request: Request| async move {
            Ok::<_, std::convert::Infallible>(respond(&request))
        }))
        .await
    }
}

#[cfg(feature = "function")]
pub use function::{ROUTES, respond, run_in_lambda};

#[cfg(all(test, feature = "function"))]
mod tests {
    use super::*;
    use lambda_http::Body;
    use lambda_http::http::{Method, Request, StatusCode, header};
    use std::io::Read;

    fn get(path: &str, accept_encoding: Option<&str>, method: Method) -> lambda_http::Response<Body> {
        let mut request = Request::builder().method(method).uri(format!("https://share.example.com{path}"));
        if let Some(coding) = accept_encoding {
            request = request.header(header::ACCEPT_ENCODING, coding);
        }
        respond(&request.body(Body::Empty).unwrap())
    }

    fn bytes(body: &Body) -> &[u8] {
        match body {
            Body::Binary(bytes) => bytes,
            Body::Text(text) => text.as_bytes(),
            Body::Empty => &[],
            _ => unreachable!(),
        }
    }

    #[test]
    fn both_assets_are_served_gzipped_or_as_they_are_and_cached_for_a_year() {
        for (path, content_type, magic) in [
            (SCRIPT_PATH, "text/javascript; charset=utf-8", &b"// A sealed"[..]),
            (RENDERER_PATH, "application/wasm", b"\0asm"),
        ] {
            let plain = get(path, None, Method::GET);
            assert_eq!(plain.status(), StatusCode::OK);
            assert_eq!(plain.headers()[header::CONTENT_TYPE], content_type);
            assert_eq!(plain.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
            assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
            assert!(bytes(plain.body()).starts_with(magic));

            let gzipped = get(path, Some("br, gzip;q=0.8"), Method::GET);
            assert_eq!(gzipped.headers()[header::CONTENT_ENCODING], "gzip");
            let mut inflated = Vec::new();
            flate2::read::GzDecoder::new(bytes(gzipped.body())).read_to_end(&mut inflated).unwrap();
            assert_eq!(inflated, bytes(plain.body()));
            assert!(get(path, Some("gzip;q=0"), Method::GET).headers().get(header::CONTENT_ENCODING).is_none());

            let head = get(path, Some("gzip"), Method::HEAD);
            assert_eq!((head.status(), bytes(head.body()).len()), (StatusCode::OK, 0));
        }
        assert!(SCRIPT_PATH.starts_with("/assets/sealed-page.") && RENDERER_PATH.ends_with(".wasm"));
    }

    #[test]
    fn any_other_name_or_method_is_404() {
        for path in ["/assets/sealed-page.js", "/assets/other.wasm", "/assets/", "/s/abc"] {
            assert_eq!(get(path, None, Method::GET).status(), StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(get(SCRIPT_PATH, None, Method::POST).status(), StatusCode::NOT_FOUND);
    }
}
