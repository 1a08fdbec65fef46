#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    share_settings::run_in_lambda().await
}
