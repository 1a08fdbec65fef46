#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    publish_share::run_in_lambda().await
}
