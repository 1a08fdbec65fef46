#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    view_share::run_in_lambda().await
}
