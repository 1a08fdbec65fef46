#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    page_assets::run_in_lambda().await
}
