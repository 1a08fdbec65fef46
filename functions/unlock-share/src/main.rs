#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    unlock_share::run_in_lambda().await
}
