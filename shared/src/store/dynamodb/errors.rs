//! The one place DynamoDB's failures become `StoreError`s: conflicts, outages and throttling
//! (reported as 503), writes whose outcome is unknown, and requests DynamoDB refused (our bug,
//! reported as 500).

use crate::store::StoreError;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{BuildError, ConnectorError, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;

pub fn build_error(err: BuildError) -> StoreError {
    StoreError::Rejected(format!("request could not be built: {err}"))
}

pub fn unstorable(_: serde_dynamo::Error) -> StoreError {
    StoreError::Rejected("value cannot be stored as an item".into())
}

/// The one place SDK errors become store errors. The text names the operation and DynamoDB's
/// error code; only a rejection (our bug) carries DynamoDB's message, which describes the request's
/// shape, never the stored bytes.
pub fn store_error<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let service = match &err {
        SdkError::ServiceError(service) => service,
        SdkError::TimeoutError(_) => return StoreError::Unavailable(format!("{operation}: timed out")),
        SdkError::DispatchFailure(failure) => {
            let why = match failure.as_connector_error() {
                Some(e) if e.is_timeout() => "timed out connecting",
                Some(e) if e.is_io() => "could not connect",
                _ => "request not delivered",
            };
            return StoreError::Unavailable(format!("{operation}: {why}"));
        }
        SdkError::ResponseError(_) => return StoreError::Unavailable(format!("{operation}: unreadable response")),
        SdkError::ConstructionFailure(_) => {
            return StoreError::Rejected(format!("{operation}: request could not be built"));
        }
        _ => return StoreError::Unavailable(format!("{operation}: request failed")),
    };
    let code = service.err().code().unwrap_or("UnknownError");
    let status = service.raw().status();
    if code == "TransactionInProgressException" {
        // An earlier attempt with the same ClientRequestToken is still being applied.
        return StoreError::Unavailable(format!("{operation}: {code}"));
    }
    // A cancelled transaction says why per item.
    let cancelled =
        (service.err() as &dyn std::any::Any).downcast_ref::<TransactWriteItemsError>().and_then(|e| match e {
            TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(cancelled.cancellation_reasons()),
            _ => None,
        });
    let reasons: Vec<&str> =
        cancelled.unwrap_or_default().iter().filter_map(|r| r.code()).filter(|r| *r != "None").collect();
    let any_reason = |wanted: &[&str]| reasons.iter().any(|r| wanted.contains(r));
    if matches!(code, "ConditionalCheckFailedException" | "TransactionConflictException")
        || any_reason(&["ConditionalCheckFailed", "TransactionConflict"])
    {
        return StoreError::Conflict;
    }
    if matches!(code, "ProvisionedThroughputExceededException" | "ThrottlingException" | "RequestLimitExceeded")
        || any_reason(&["ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"])
    {
        return StoreError::Unavailable(format!("{operation}: throttled ({code})"));
    }
    if status.is_server_error() {
        return StoreError::Unavailable(format!("{operation}: {code} (HTTP {})", status.as_u16()));
    }
    if !reasons.is_empty() {
        return StoreError::Rejected(format!("{operation}: transaction cancelled ({})", reasons.join(", ")));
    }
    let message: String = service.err().message().unwrap_or_default().chars().take(200).collect();
    StoreError::Rejected(format!("{operation}: {code} (HTTP {}): {message}", status.as_u16()))
}

/// The error of one attempt at a write: as `store_error`, except that a failure after which the
/// write may have been applied (a timeout once sent, a lost connection or answer, a server error, an
/// earlier attempt still in progress) is `Indeterminate`, not `Unavailable`.
pub fn write_error<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let maybe_applied = match &err {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
        SdkError::DispatchFailure(failure) => !failure.as_connector_error().is_some_and(never_connected),
        SdkError::ServiceError(service) => {
            service.raw().status().is_server_error() || service.err().code() == Some("TransactionInProgressException")
        }
        _ => false,
    };
    match store_error(operation, err) {
        StoreError::Unavailable(why) if maybe_applied => StoreError::Indeterminate(why),
        other => other,
    }
}

/// A connection that was never made carried no request: the connect timed out (attempts time out
/// as `TimeoutError`, so a connector timeout is the connect's) or was refused.
fn never_connected(connector: &ConnectorError) -> bool {
    if connector.is_timeout() {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(connector);
    while let Some(error) = source {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        source = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::ErrorMetadata;
    use aws_sdk_dynamodb::operation::query::QueryError;
    use aws_sdk_dynamodb::types::CancellationReason;
    use aws_sdk_dynamodb::types::error::TransactionCanceledException;
    use aws_smithy_types::body::SdkBody;

    fn response(status: u16) -> HttpResponse {
        HttpResponse::new(status.try_into().unwrap(), SdkBody::empty())
    }

    fn query_failure(code: &str, status: u16) -> StoreError {
        let err = QueryError::generic(ErrorMetadata::builder().code(code).message("why").build());
        store_error("Query", SdkError::service_error(err, response(status)))
    }

    fn cancelled(reasons: &[&str]) -> StoreError {
        let reasons = reasons.iter().map(|code| CancellationReason::builder().code(*code).build()).collect();
        let err = TransactionCanceledException::builder()
            .set_cancellation_reasons(Some(reasons))
            .meta(ErrorMetadata::builder().code("TransactionCanceledException").build())
            .build();
        let err = TransactWriteItemsError::TransactionCanceledException(err);
        store_error("TransactWriteItems", SdkError::service_error(err, response(400)))
    }

    #[test]
    fn failed_conditions_are_conflicts() {
        assert!(matches!(cancelled(&["None", "ConditionalCheckFailed", "None"]), StoreError::Conflict));
        assert!(matches!(cancelled(&["TransactionConflict"]), StoreError::Conflict));
        assert!(matches!(query_failure("ConditionalCheckFailedException", 400), StoreError::Conflict));
    }

    #[test]
    fn throttling_and_outages_are_unavailable() {
        for code in ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"] {
            assert!(matches!(query_failure(code, 400), StoreError::Unavailable(_)), "{code}");
        }
        assert!(matches!(query_failure("InternalServerError", 500), StoreError::Unavailable(_)));
        assert!(matches!(query_failure("ServiceUnavailable", 503), StoreError::Unavailable(_)));
        assert!(matches!(cancelled(&["None", "ThrottlingError"]), StoreError::Unavailable(_)));
        let refused = SdkError::<QueryError, HttpResponse>::dispatch_failure(ConnectorError::io("refused".into()));
        assert!(matches!(store_error("Query", refused), StoreError::Unavailable(_)));
        let slow = SdkError::<QueryError, HttpResponse>::timeout_error("slow");
        assert!(matches!(store_error("Query", slow), StoreError::Unavailable(_)));
    }

    #[test]
    fn writes_that_may_have_applied_are_indeterminate() {
        let slow = SdkError::<QueryError, HttpResponse>::timeout_error("slow");
        assert!(matches!(write_error("PutItem", slow), StoreError::Indeterminate(_)));
        let server = QueryError::generic(ErrorMetadata::builder().code("InternalServerError").build());
        assert!(matches!(
            write_error("PutItem", SdkError::service_error(server, response(500))),
            StoreError::Indeterminate(_)
        ));
        let busy = QueryError::generic(ErrorMetadata::builder().code("TransactionInProgressException").build());
        assert!(matches!(
            write_error("PutItem", SdkError::service_error(busy, response(400))),
            StoreError::Indeterminate(_)
        ));
        let reset = ConnectorError::io(std::io::Error::from(std::io::ErrorKind::ConnectionReset).into());
        let reset = SdkError::<QueryError, HttpResponse>::dispatch_failure(reset);
        assert!(matches!(write_error("PutItem", reset), StoreError::Indeterminate(_)));
    }

    #[test]
    fn writes_never_sent_or_refused_are_unavailable() {
        let refused = ConnectorError::io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused).into());
        let refused = SdkError::<QueryError, HttpResponse>::dispatch_failure(refused);
        assert!(matches!(write_error("PutItem", refused), StoreError::Unavailable(_)));
        let connect = SdkError::<QueryError, HttpResponse>::dispatch_failure(ConnectorError::timeout("connect".into()));
        assert!(matches!(write_error("PutItem", connect), StoreError::Unavailable(_)));
        let throttled = QueryError::generic(ErrorMetadata::builder().code("ThrottlingException").build());
        let throttled = write_error("PutItem", SdkError::service_error(throttled, response(400)));
        assert!(matches!(throttled, StoreError::Unavailable(_)));
        assert!(matches!(cancelled(&["ConditionalCheckFailed"]), StoreError::Conflict));
    }

    #[test]
    fn malformed_requests_are_rejected() {
        assert!(matches!(query_failure("ValidationException", 400), StoreError::Rejected(_)));
        assert!(matches!(query_failure("ResourceNotFoundException", 400), StoreError::Rejected(_)));
        assert!(matches!(cancelled(&["ValidationError"]), StoreError::Rejected(_)));
    }
}
