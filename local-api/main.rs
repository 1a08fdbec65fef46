use clap::{Parser, Subcommand};
use local_api::{DEFAULT_SECRET, LocalApi, issue_token};
use share_core::ServiceConfig;
use share_core::store::{DynamoStore, MemoryStore, Store};
use std::net::SocketAddr;
use std::process::ExitCode;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Serves every route of the share service on one port, as API Gateway would.
#[derive(Parser)]
#[command(name = "local-api", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// A DynamoDB-compatible endpoint (e.g. DynamoDB Local); the embedded store is used without it.
    #[arg(long, requires = "table")]
    dynamodb_endpoint: Option<String>,
    /// The table to use (created if missing) with --dynamodb-endpoint.
    #[arg(long)]
    table: Option<String>,
    /// An origin of the publishing web app allowed by CORS (repeatable).
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Prints a bearer token this runner accepts.
    Token {
        #[arg(long)]
        user: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        group: String,
        /// Grants the ShareAdmin role.
        #[arg(long)]
        admin: bool,
        /// The delegated scope the token grants (`scp`); "" for none. Default: the API's scope
        /// (REQUIRED_SCOPE, else Shares.ReadWrite).
        #[arg(long)]
        scope: Option<String>,
    },
}

fn secret() -> String {
    std::env::var("LOCAL_API_SECRET").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_SECRET.to_owned())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Token { user, email, group, admin, scope }) = &cli.command {
        let scope = scope.clone().unwrap_or_else(|| ServiceConfig::from_env().required_scope);
        println!("{}", issue_token(&secret(), user, email.as_deref(), group, *admin, Some(&scope)));
        return ExitCode::SUCCESS;
    }
    // As the functions log: `RUST_LOG` names one level, and only our crates log below WARN.
    let level = share_core::logging::level_of(std::env::var("RUST_LOG").ok().as_deref());
    tracing_subscriber::registry()
        .with(share_core::logging::log_filter(level))
        .with(tracing_subscriber::fmt::layer())
        .init();
    let result = match (&cli.dynamodb_endpoint, &cli.table) {
        (Some(endpoint), Some(table)) => {
            let store = DynamoStore::connect(endpoint, table.as_str()).await;
            match store.create_table_if_missing().await {
                Ok(()) => run(store, &cli).await,
                Err(error) => Err(format!("could not prepare table {table}: {error}")),
            }
        }
        _ => run(MemoryStore::new(), &cli).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("local-api: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run<S: Store + 'static>(store: S, cli: &Cli) -> Result<(), String> {
    let config = ServiceConfig { table_name: cli.table.clone().unwrap_or_default(), ..ServiceConfig::from_env() };
    let api = LocalApi::new(store, config, secret(), cli.allow_origins.clone());
    api.check_address(&cli.addr)?;
    let listener =
        tokio::net::TcpListener::bind(cli.addr).await.map_err(|e| format!("cannot listen on {}: {e}", cli.addr))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    println!("local-api listening on http://{bound}");
    api.serve(listener).await.map_err(|e| e.to_string())
}
