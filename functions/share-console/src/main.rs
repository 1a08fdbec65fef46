#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    share_console::run_in_lambda().await
}
