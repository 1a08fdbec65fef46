use clap::{Parser, Subcommand};
use local_api::{DEFAULT_SECRET, LocalApi, issue_token};
use share_core::ServiceConfig;
use share_core::store::embedded::CrashAt;
use share_core::store::{DynamoStore, EmbeddedStore, Store};
use std::net::SocketAddr;
use std::path::PathBuf;
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
    /// The embedded store's file (made, owner-only, if missing). Default: `share-service/shares.db` in
    /// the platform's folder for application data (printed at start).
    #[arg(long, conflicts_with_all = ["memory", "dynamodb_endpoint"])]
    data: Option<PathBuf>,
    /// Keep everything in memory only: nothing is left after the runner stops (tests, demos).
    #[arg(long, conflicts_with = "dynamodb_endpoint")]
    memory: bool,
    /// A DynamoDB-compatible endpoint (e.g. DynamoDB Local) instead of the embedded store.
    #[arg(long, requires = "table")]
    dynamodb_endpoint: Option<String>,
    /// The table to use (created if missing) with --dynamodb-endpoint.
    #[arg(long)]
    table: Option<String>,
    /// An origin of the publishing web app allowed by CORS (repeatable).
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
    /// Accept bearer tokens of this OpenID Connect issuer (https://, or http:// on loopback), as API
    /// Gateway's JWT authorizer would, instead of the runner's own.
    #[arg(long, requires = "audience")]
    oidc_issuer: Option<String>,
    /// The audience the issuer's tokens must carry (with --oidc-issuer).
    #[arg(long, requires = "oidc_issuer")]
    audience: Option<String>,
    /// The console's client id at the issuer (with --oidc-issuer): the console signs in there with
    /// the authorization code and PKCE. Without --oidc-issuer the console offers a development sign-in.
    #[arg(long, requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// How long a key set stands before a token with an unknown key id may fetch it again.
    #[arg(long, hide = true, default_value_t = 60)]
    oidc_refetch_seconds: u64,
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
    /// Writes a consistent copy of the store's file to PATH, while a runner may be serving it.
    Backup {
        path: PathBuf,
        /// The store's file (default: as `--data`'s).
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Puts the copy at PATH in place of the store's file; refused while a runner serves it.
    Restore {
        path: PathBuf,
        /// The store's file (default: as `--data`'s).
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

/// Where the store's file lives unless `--data` says: the platform's folder for application data
/// (`$XDG_DATA_HOME`, else `~/.local/share`, on Linux; `~/Library/Application Support` on macOS;
/// `%APPDATA%` on Windows).
fn default_data_path() -> Result<PathBuf, String> {
    let var = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty()).map(PathBuf::from);
    let home = || var("HOME").ok_or("HOME is not set: give the store's file with --data PATH");
    let folder = if cfg!(windows) {
        var("APPDATA").ok_or("APPDATA is not set: give the store's file with --data PATH")?
    } else if cfg!(target_os = "macos") {
        home()?.join("Library/Application Support")
    } else {
        match var("XDG_DATA_HOME") {
            Some(folder) => folder,
            None => home()?.join(".local/share"),
        }
    };
    Ok(folder.join("share-service").join("shares.db"))
}

/// For the crash tests only: `LOCAL_API_CRASH_AT_WRITE=N` (and `LOCAL_API_CRASH_AFTER_COMMIT=1`) stops
/// the runner at the N-th write to its file, as `kill -9` would.
fn crash_at_write() -> Option<CrashAt> {
    let step = std::env::var("LOCAL_API_CRASH_AT_WRITE").ok()?.parse().ok()?;
    let after_commit = std::env::var("LOCAL_API_CRASH_AFTER_COMMIT").is_ok_and(|value| value == "1");
    Some(CrashAt { step, after_commit })
}

fn data_path(given: Option<&PathBuf>) -> Result<PathBuf, String> {
    given.cloned().map_or_else(default_data_path, Ok)
}

fn config_scope() -> String {
    ServiceConfig::from_env().required_scope
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
    let housekeeping = match &cli.command {
        Some(Command::Backup { path, data }) => Some(data_path(data.as_ref()).and_then(|data| {
            share_core::store::embedded::backup(&data, path).map_err(|error| error.to_string())?;
            Ok(format!("backed up {} to {}", data.display(), path.display()))
        })),
        Some(Command::Restore { path, data }) => Some(data_path(data.as_ref()).and_then(|data| {
            share_core::store::embedded::restore(path, &data).map_err(|error| error.to_string())?;
            Ok(format!("restored {} from {}", data.display(), path.display()))
        })),
        _ => None,
    };
    if let Some(done) = housekeeping {
        return match done {
            Ok(message) => {
                println!("local-api: {message}");
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("local-api: {message}");
                ExitCode::FAILURE
            }
        };
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
                Ok(()) => run(store, "dynamodb", &cli).await,
                Err(error) => Err(format!("could not prepare table {table}: {error}")),
            }
        }
        _ if cli.memory => {
            println!("local-api store: memory (nothing is kept after the runner stops)");
            run(EmbeddedStore::new(), "memory", &cli).await
        }
        _ => match data_path(cli.data.as_ref()) {
            Ok(path) => match EmbeddedStore::open(&path) {
                Ok(store) => {
                    let store = match crash_at_write() {
                        Some(crash) => store.crash_at_write(crash),
                        None => store,
                    };
                    println!("local-api store: {}", path.display());
                    run(store, "file", &cli).await
                }
                Err(error) => Err(format!("cannot open the store's file {}: {error}", path.display())),
            },
            Err(message) => Err(message),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("local-api: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run<S: Store + 'static>(store: S, store_kind: &'static str, cli: &Cli) -> Result<(), String> {
    let config = ServiceConfig { table_name: cli.table.clone().unwrap_or_default(), ..ServiceConfig::from_env() };
    let mut api = LocalApi::new(store, config, secret(), cli.allow_origins.clone()).with_store_kind(store_kind);
    if let (Some(issuer), Some(audience)) = (&cli.oidc_issuer, &cli.audience) {
        let refetch = std::time::Duration::from_secs(cli.oidc_refetch_seconds);
        let verifier = local_api::oidc::OidcVerifier::discover(issuer, audience, refetch).await?;
        println!("local-api sign-in: tokens of {issuer} for {audience}");
        api = api.with_oidc(verifier).with_console(share_console::ConsoleConfig {
            issuer: Some(issuer.trim_end_matches('/').to_owned()),
            client_id: cli.oidc_client_id.clone(),
            scope: format!("openid {audience}/{}", config_scope()),
            ..Default::default()
        });
    }
    api.check_address(&cli.addr)?;
    let listener =
        tokio::net::TcpListener::bind(cli.addr).await.map_err(|e| format!("cannot listen on {}: {e}", cli.addr))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    println!("local-api listening on http://{bound}");
    api.serve(listener).await.map_err(|e| e.to_string())
}
