//! The one place DynamoDB's failures become `StoreError`s: conflicts, outages and throttling
//! (reported as 503), and requests DynamoDB refused (our bug, reported as 500).

use crate::store::StoreError;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{BuildError, ProvideErrorMetadata, SdkError};
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::error::{ConnectorError, ErrorMetadata};
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
    fn malformed_requests_are_rejected() {
        assert!(matches!(query_failure("ValidationException", 400), StoreError::Rejected(_)));
        assert!(matches!(query_failure("ResourceNotFoundException", 400), StoreError::Rejected(_)));
        assert!(matches!(cancelled(&["ValidationError"]), StoreError::Rejected(_)));
    }
}
