//! Prism Central v3 REST client: paginated `list` calls with basic auth,
//! verified TLS, timeouts and bounded retries.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

use crate::credentials::Credentials;
use crate::error::{DeployError, ErrorKind};
use crate::model::Inventory;

/// The entity kinds this client lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// `clusters/list`, `kind: cluster`.
    Cluster,
    /// `hosts/list`, `kind: host`.
    Host,
    /// `vms/list`, `kind: vm`.
    Vm,
}

impl EntityKind {
    /// The `kind` field of the list request.
    pub fn kind(self) -> &'static str {
        match self {
            EntityKind::Cluster => "cluster",
            EntityKind::Host => "host",
            EntityKind::Vm => "vm",
        }
    }

    /// The path of the list call.
    pub fn list_path(self) -> &'static str {
        match self {
            EntityKind::Cluster => "/api/nutanix/v3/clusters/list",
            EntityKind::Host => "/api/nutanix/v3/hosts/list",
            EntityKind::Vm => "/api/nutanix/v3/vms/list",
        }
    }
}

/// Connection settings.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Base URL, e.g. `https://pc.example.com:9440` (see [`normalize_endpoint`]).
    pub endpoint: String,
    /// Skip TLS certificate verification (self-signed lab clusters).
    pub insecure: bool,
    /// A PEM file with the CA certificate(s) to trust instead of the public roots.
    pub ca_bundle: Option<PathBuf>,
    /// Timeout of one whole request (connect, send, answer).
    pub timeout: Duration,
    /// How many times a 429 / 5xx answer is retried.
    pub retries: u32,
    /// First backoff delay; doubled on each retry, capped at [`ClientOptions::max_backoff`].
    pub backoff: Duration,
    /// Largest delay between retries (also caps `Retry-After`).
    pub max_backoff: Duration,
    /// `length` of each list page (Prism Central caps it at 500).
    pub page_size: u32,
}

impl ClientOptions {
    /// Defaults: verified TLS, 30 s timeout, 4 retries from 500 ms, pages of 250.
    pub fn new(endpoint: &str) -> Self {
        ClientOptions {
            endpoint: normalize_endpoint(endpoint),
            insecure: false,
            ca_bundle: None,
            timeout: Duration::from_secs(30),
            retries: 4,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            page_size: 250,
        }
    }
}

/// Adds `https://` and Prism Central's port 9440 to a bare host name;
/// drops a trailing `/`. URLs with a scheme are kept as given.
pub fn normalize_endpoint(endpoint: &str) -> String {
    let trimmed = endpoint.trim().trim_end_matches('/');
    if trimmed.contains("://") {
        return trimmed.to_string();
    }
    let has_port = match trimmed.rsplit_once(':') {
        Some((_, port)) => !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    };
    if has_port {
        format!("https://{trimmed}")
    } else {
        format!("https://{trimmed}:9440")
    }
}

/// A Prism Central v3 client.
pub struct PrismClient {
    agent: ureq::Agent,
    options: ClientOptions,
    authorization: String,
    requests_sent: std::cell::Cell<u32>,
}

impl std::fmt::Debug for PrismClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrismClient")
            .field("options", &self.options)
            .field("authorization", &"<redacted>")
            .finish()
    }
}

impl PrismClient {
    /// Builds a client; reads the CA bundle if one is given.
    pub fn new(options: ClientOptions, credentials: &Credentials) -> Result<Self, DeployError> {
        if !options.endpoint.starts_with("https://") && !options.endpoint.starts_with("http://") {
            return Err(DeployError::input(format!(
                "endpoint `{}` must start with https:// or http://",
                options.endpoint
            )));
        }
        let mut tls = ureq::tls::TlsConfig::builder().disable_verification(options.insecure);
        if let Some(path) = &options.ca_bundle {
            let pem = std::fs::read(path)
                .map_err(|e| DeployError::io("cannot read CA bundle", path, &e))?;
            let certs = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    DeployError::input(format!(
                        "CA bundle `{}` is not valid PEM: {e}",
                        path.display()
                    ))
                })?;
            if certs.is_empty() {
                return Err(DeployError::input(format!(
                    "CA bundle `{}` holds no certificate",
                    path.display()
                ))
                .with_hint("pass a PEM file with one or more `BEGIN CERTIFICATE` blocks"));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let mut builder = ureq::Agent::config_builder();
        if is_loopback_endpoint(&options.endpoint) {
            // Proxies from HTTPS_PROXY / ALL_PROXY are used for real clusters,
            // never for this machine (the simulator, SSH tunnels).
            builder = builder.proxy(None);
        }
        let config = builder
            .http_status_as_error(false)
            .timeout_global(Some(options.timeout))
            .tls_config(tls.build())
            .user_agent(concat!("cw-deploy/", env!("CARGO_PKG_VERSION")))
            .max_redirects(0)
            .build();
        Ok(PrismClient {
            agent: config.new_agent(),
            authorization: credentials.authorization_header(),
            options,
            requests_sent: std::cell::Cell::new(0),
        })
    }

    /// How many HTTP requests this client has sent (retries included).
    pub fn requests_sent(&self) -> u32 {
        self.requests_sent.get()
    }

    /// Lists clusters, hosts and VMs and builds the inventory.
    pub fn discover(&self) -> Result<Inventory, DeployError> {
        let clusters = self.list_all(EntityKind::Cluster)?;
        let hosts = self.list_all(EntityKind::Host)?;
        let vms = self.list_all(EntityKind::Vm)?;
        Inventory::from_entities(&self.options.endpoint, &clusters, &hosts, &vms)
    }

    /// All entities of `kind`, following pages to `metadata.total_matches`.
    pub fn list_all(&self, kind: EntityKind) -> Result<Vec<Value>, DeployError> {
        let mut out: Vec<Value> = Vec::new();
        let mut offset: u64 = 0;
        loop {
            let body =
                json!({"kind": kind.kind(), "length": self.options.page_size, "offset": offset});
            let page = self.post_json(kind.list_path(), &body)?;
            let context = format!("{} answer at offset {offset}", kind.list_path());
            let total = page
                .get("metadata")
                .and_then(|m| m.get("total_matches"))
                .ok_or_else(|| {
                    DeployError::bad_response(format!(
                        "{context}: field `metadata.total_matches` is missing"
                    ))
                })?
                .as_u64()
                .ok_or_else(|| {
                    DeployError::bad_response(format!(
                        "{context}: field `metadata.total_matches` should be a non-negative integer"
                    ))
                })?;
            let entities = match page.get("entities") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items.clone(),
                Some(_) => {
                    return Err(DeployError::bad_response(format!(
                        "{context}: field `entities` should be a list"
                    )))
                }
            };
            let got = entities.len() as u64;
            out.extend(entities);
            offset += got;
            if offset >= total {
                break;
            }
            if got == 0 {
                return Err(DeployError::bad_response(format!(
                    "{context}: empty page although `metadata.total_matches` is {total}"
                ))
                .with_hint(
                    "the inventory changed while it was being listed; run the command again",
                ));
            }
        }
        Ok(out)
    }

    /// POSTs `body` to `path` and parses the JSON answer, retrying 429 / 5xx.
    pub fn post_json(&self, path: &str, body: &Value) -> Result<Value, DeployError> {
        let url = format!("{}{}", self.options.endpoint, path);
        let body_text = body.to_string();
        let mut attempt: u32 = 0;
        loop {
            self.requests_sent
                .set(self.requests_sent.get().saturating_add(1));
            let result = self
                .agent
                .post(&url)
                .header("Authorization", &self.authorization)
                .header("Accept", "application/json")
                .content_type("application/json")
                .send(body_text.as_str());
            let mut response = match result {
                Ok(r) => r,
                Err(e) => return Err(transport_error(&e, &self.options)),
            };
            let status = response.status().as_u16();
            if status == 429 || (500..=599).contains(&status) {
                if attempt < self.options.retries {
                    let retry_after = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let delay = retry_after
                        .unwrap_or_else(|| backoff_delay(&self.options, attempt))
                        .min(self.options.max_backoff);
                    std::thread::sleep(delay);
                    attempt += 1;
                    continue;
                }
                return Err(DeployError::new(
                    ErrorKind::Server,
                    format!(
                        "Prism Central answered HTTP {status} to POST {path} after {} attempts",
                        attempt + 1
                    ),
                )
                .with_hint("the server is overloaded or failing; retry later or check Prism Central's health"));
            }
            let text = response
                .body_mut()
                .with_config()
                .limit(256 * 1024 * 1024)
                .read_to_string()
                .map_err(|e| transport_error(&e, &self.options))?;
            return match status {
                200..=299 => serde_json::from_str(&text).map_err(|e| {
                    DeployError::bad_response(format!(
                        "POST {path}: the answer is not valid JSON ({e})"
                    ))
                    .with_hint("is the endpoint a Prism Central (port 9440)?")
                }),
                401 => Err(DeployError::new(
                    ErrorKind::Auth,
                    format!("Prism Central rejected the credentials (HTTP 401) for POST {path}"),
                )
                .with_hint("check NUTANIX_USERNAME / NUTANIX_PASSWORD or the --credentials-file")),
                403 => Err(DeployError::new(
                    ErrorKind::Forbidden,
                    format!("the user may not list these entities (HTTP 403) at POST {path}"),
                )
                .with_hint("use an account with at least the Prism Viewer role")),
                404 => Err(DeployError::new(
                    ErrorKind::NotFound,
                    format!("{url} does not exist (HTTP 404)"),
                )
                .with_hint("the endpoint must be Prism Central (https://HOST:9440), not a Prism Element or another service")),
                other => Err(DeployError::new(
                    ErrorKind::Server,
                    format!("Prism Central answered HTTP {other} to POST {path}"),
                )
                .with_hint(server_message(&text).unwrap_or_else(|| "see Prism Central's logs".to_string()))),
            };
        }
    }
}

/// Whether the endpoint's host is `localhost` or a loopback address.
pub fn is_loopback_endpoint(endpoint: &str) -> bool {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or(bracketed)
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Backoff before retry number `attempt` (0-based): `backoff * 2^attempt`, capped.
pub fn backoff_delay(options: &ClientOptions, attempt: u32) -> Duration {
    let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
    options
        .backoff
        .checked_mul(factor)
        .unwrap_or(options.max_backoff)
        .min(options.max_backoff)
}

/// The first `message_list[].message` of a v3 error body, if any.
fn server_message(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    let message = value
        .get("message_list")?
        .get(0)?
        .get("message")?
        .as_str()?;
    Some(format!("server says: {message}"))
}

/// Maps a transport error to a one-line message with a hint.
fn transport_error(error: &ureq::Error, options: &ClientOptions) -> DeployError {
    let endpoint = &options.endpoint;
    match error {
        ureq::Error::Timeout(_) => DeployError::new(
            ErrorKind::Timeout,
            format!(
                "{endpoint} did not answer within {} s",
                options.timeout.as_secs_f64()
            ),
        )
        .with_hint("the server is slow or unreachable; raise --timeout or check the network path"),
        ureq::Error::HostNotFound => DeployError::new(
            ErrorKind::Unreachable,
            format!("cannot resolve the host name of {endpoint}"),
        )
        .with_hint("check the spelling of --endpoint and your DNS settings"),
        ureq::Error::ConnectionFailed => DeployError::new(
            ErrorKind::Unreachable,
            format!("cannot connect to {endpoint}"),
        )
        .with_hint("check that Prism Central is up and that port 9440 is reachable from here"),
        ureq::Error::Io(io) => io_error(io, options),
        ureq::Error::Rustls(tls) => tls_error(&tls.to_string(), options),
        ureq::Error::Tls(what) => tls_error(what, options),
        ureq::Error::Pem(e) => DeployError::input(format!("bad PEM data: {e}")),
        ureq::Error::BadUri(uri) => DeployError::input(format!("`{uri}` is not a valid URL"))
            .with_hint("use --endpoint https://HOST:9440"),
        other => DeployError::new(
            ErrorKind::Unreachable,
            format!("request to {endpoint} failed: {other}"),
        ),
    }
}

fn io_error(io: &std::io::Error, options: &ClientOptions) -> DeployError {
    use std::io::ErrorKind as Io;
    let endpoint = &options.endpoint;
    let text = io.to_string();
    if let Some(inner) = io.get_ref() {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return tls_error(&tls.to_string(), options);
        }
    }
    if text.contains("certificate") || text.contains("InvalidCertificate") {
        return tls_error(&text, options);
    }
    match io.kind() {
        Io::ConnectionRefused => DeployError::new(
            ErrorKind::Unreachable,
            format!("connection refused by {endpoint}"),
        )
        .with_hint("nothing listens there: check the host and port (Prism Central uses 9440)"),
        Io::TimedOut | Io::WouldBlock => DeployError::new(
            ErrorKind::Timeout,
            format!(
                "{endpoint} did not answer within {} s",
                options.timeout.as_secs_f64()
            ),
        )
        .with_hint("the server is slow or unreachable; raise --timeout or check the network path"),
        Io::ConnectionReset | Io::ConnectionAborted | Io::UnexpectedEof | Io::BrokenPipe => {
            DeployError::new(
                ErrorKind::Unreachable,
                format!("{endpoint} closed the connection ({text})"),
            )
            .with_hint(
                "if the endpoint uses https, check that it is not plain http (or the reverse)",
            )
        }
        _ => DeployError::new(
            ErrorKind::Unreachable,
            format!("cannot talk to {endpoint}: {text}"),
        ),
    }
}

fn tls_error(detail: &str, options: &ClientOptions) -> DeployError {
    DeployError::new(
        ErrorKind::Tls,
        format!("TLS with {} failed: {detail}", options.endpoint),
    )
    .with_hint(if options.ca_bundle.is_some() {
        "the certificate is not signed by the --ca-bundle given, or does not name this host"
    } else {
        "pass the cluster's CA with --ca-bundle PATH (or --insecure for a lab cluster with a self-signed certificate)"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_normalization() {
        assert_eq!(normalize_endpoint("pc.lab"), "https://pc.lab:9440");
        assert_eq!(normalize_endpoint("pc.lab:8443/"), "https://pc.lab:8443");
        assert_eq!(
            normalize_endpoint("http://127.0.0.1:5000/"),
            "http://127.0.0.1:5000"
        );
    }

    #[test]
    fn loopback_detection() {
        assert!(is_loopback_endpoint("http://127.0.0.1:8080/x"));
        assert!(is_loopback_endpoint("https://127.1.2.3:9440"));
        assert!(is_loopback_endpoint("https://localhost:9440"));
        assert!(is_loopback_endpoint("https://[::1]:9440"));
        assert!(!is_loopback_endpoint("https://pc.example.com:9440"));
        assert!(!is_loopback_endpoint("https://10.0.0.1:9440"));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let mut o = ClientOptions::new("x");
        o.backoff = Duration::from_millis(100);
        o.max_backoff = Duration::from_millis(350);
        assert_eq!(backoff_delay(&o, 0), Duration::from_millis(100));
        assert_eq!(backoff_delay(&o, 1), Duration::from_millis(200));
        assert_eq!(backoff_delay(&o, 2), Duration::from_millis(350));
        assert_eq!(backoff_delay(&o, 40), Duration::from_millis(350));
    }

    #[test]
    fn client_debug_hides_authorization() {
        let c = PrismClient::new(
            ClientOptions::new("http://127.0.0.1:1"),
            &Credentials::new("u", "pw-xyz"),
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("Basic"), "{shown}");
        assert!(!shown.contains("pw-xyz"));
    }

    #[test]
    fn refused_connection_is_one_clear_error() {
        // Bind then drop a listener so that the port is (almost surely) closed.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut o = ClientOptions::new(&format!("http://127.0.0.1:{port}"));
        o.timeout = Duration::from_secs(2);
        let c = PrismClient::new(o, &Credentials::new("u", "p")).unwrap();
        let e = c.list_all(EntityKind::Cluster).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unreachable, "{e:?}");
        assert!(e.hint.is_some());
    }

    #[test]
    fn missing_ca_bundle_is_an_io_error() {
        let mut o = ClientOptions::new("https://127.0.0.1:1");
        o.ca_bundle = Some(PathBuf::from("/nonexistent/ca.pem"));
        let e = PrismClient::new(o, &Credentials::new("u", "p")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(e.message.contains("/nonexistent/ca.pem"));
    }
}
