//! API Gateway HTTP API (payload 2.0) events: what the local runner hands the handlers, and what
//! the tests and benchmarks call them with. One builder, so every caller sends the same shape.

use base64::Engine;
use serde_json::{Map, Value, json};

/// An HTTP API event under construction; `route` keeps the route key and path fields in step.
#[derive(Debug, Clone)]
pub struct ApiGatewayEvent(Value);

impl ApiGatewayEvent {
    /// An event for `route_key` (e.g. `GET /s/{id}`) at `path`: no headers, claims or body yet.
    pub fn new(route_key: &str, path: &str) -> Self {
        let now = jiff::Timestamp::now();
        let event = json!({
            "version": "2.0",
            "rawQueryString": "",
            "headers": {},
            "requestContext": {
                "accountId": "local",
                "apiId": "local-api",
                "domainName": "localhost",
                "domainPrefix": "local-api",
                "http": {"protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": ""},
                "requestId": uuid::Uuid::new_v4().to_string(),
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000").to_string(),
                "timeEpoch": now.as_millisecond(),
            },
            "pathParameters": {},
            "body": null,
            "isBase64Encoded": false,
        });
        Self(event).route(route_key, path)
    }

    /// A recorded event (a fixture as API Gateway sent it), to re-aim or vary.
    pub fn recorded(event: Value) -> Self {
        Self(event)
    }

    pub fn route(mut self, route_key: &str, path: &str) -> Self {
        let method = route_key.split_once(' ').map_or("GET", |(method, _)| method);
        self.0["routeKey"] = json!(route_key);
        self.0["rawPath"] = json!(path);
        let context = &mut self.0["requestContext"];
        context["routeKey"] = json!(route_key);
        context["http"]["method"] = json!(method);
        context["http"]["path"] = json!(path);
        self
    }

    pub fn path_parameters<'a>(mut self, parameters: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let parameters: Map<String, Value> = parameters.into_iter().map(|(k, v)| (k.to_owned(), json!(v))).collect();
        self.0["pathParameters"] = Value::Object(parameters);
        self
    }

    pub fn query(mut self, raw_query: &str) -> Self {
        self.0["rawQueryString"] = json!(raw_query);
        self
    }

    /// Adds a header; repeated headers are joined with commas, as API Gateway does.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "host" => self.0["requestContext"]["domainName"] = json!(value),
            "user-agent" => self.0["requestContext"]["http"]["userAgent"] = json!(value),
            _ => {}
        }
        let headers = self.0["headers"].as_object_mut().expect("headers object");
        match headers.get_mut(&name) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(value);
            }
            _ => {
                headers.insert(name, json!(value));
            }
        }
        self
    }

    pub fn without_header(mut self, name: &str) -> Self {
        self.0["headers"].as_object_mut().expect("headers object").remove(&name.to_ascii_lowercase());
        self
    }

    /// A stage variable, as the deployment sets it on the API's stage.
    pub fn stage_variable(mut self, name: &str, value: &str) -> Self {
        if !self.0["stageVariables"].is_object() {
            self.0["stageVariables"] = json!({});
        }
        self.0["stageVariables"][name] = json!(value);
        self
    }

    /// The claims of a verified token, as the JWT authorizer passes them (strings).
    pub fn claims<'a>(mut self, claims: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let claims: Map<String, Value> = claims.into_iter().map(|(k, v)| (k.to_owned(), json!(v))).collect();
        self.0["requestContext"]["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
        self
    }

    /// The body as API Gateway passes it: text as is, anything else base64-encoded.
    pub fn body(mut self, bytes: &[u8]) -> Self {
        let (body, is_base64) = match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), false),
            Err(_) => (base64::engine::general_purpose::STANDARD.encode(bytes), true),
        };
        self.0["body"] = json!(body);
        self.0["isBase64Encoded"] = json!(is_base64);
        self
    }

    /// A body that API Gateway chose to base64-encode although it is text.
    pub fn base64_body(mut self, bytes: &[u8]) -> Self {
        self.0["body"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
        self.0["isBase64Encoded"] = json!(true);
        self
    }

    pub fn json_body(self, body: &Value) -> Self {
        self.body(body.to_string().as_bytes())
    }

    /// Mutable access for a test that varies one recorded field.
    pub fn json_mut(&mut self) -> &mut Value {
        &mut self.0
    }

    pub fn into_json(self) -> Value {
        self.0
    }

    /// The request the handlers receive, parsed as `lambda_http` parses what Lambda delivers.
    pub fn into_request(self) -> lambda_http::Request {
        lambda_http::request::from_str(&self.0.to_string()).expect("an API Gateway v2 event")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_path_and_body_stay_in_step() {
        let event = ApiGatewayEvent::new("PUT /shares/{id}", "/shares/abc")
            .path_parameters([("id", "abc")])
            .header("Host", "share.example.com")
            .header("accept", "a")
            .header("accept", "b")
            .body(&[0xff, 0x00])
            .into_json();
        assert_eq!(event["requestContext"]["http"]["method"], "PUT");
        assert_eq!(event["requestContext"]["routeKey"], "PUT /shares/{id}");
        assert_eq!(event["rawPath"], "/shares/abc");
        assert_eq!(event["requestContext"]["domainName"], "share.example.com");
        assert_eq!(event["headers"]["accept"], "a,b");
        assert_eq!(event["isBase64Encoded"], true);
        let request = ApiGatewayEvent::recorded(event).into_request();
        assert_eq!(request.uri().path(), "/shares/abc");
    }
}
