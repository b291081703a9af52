//! Prism Central credentials: read from `NUTANIX_USERNAME` / `NUTANIX_PASSWORD`
//! or from a credentials file, never from the command line, and never printed.

use std::fmt;
use std::path::Path;

use base64::Engine as _;

use crate::error::{DeployError, ErrorKind};

/// A secret string whose `Debug` and `Display` print `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; only for building the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// HTTP basic-auth credentials for Prism Central.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name (not secret, but still only shown when asked for).
    pub username: String,
    /// The password.
    pub password: Secret,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

/// Environment variable holding the user name.
pub const USERNAME_VAR: &str = "NUTANIX_USERNAME";
/// Environment variable holding the password.
pub const PASSWORD_VAR: &str = "NUTANIX_PASSWORD";

impl Credentials {
    /// Credentials from a user name and password.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials {
            username: username.into(),
            password: Secret::new(password),
        }
    }

    /// Reads the credentials file at `file` if given, else the environment.
    pub fn resolve(file: Option<&Path>) -> Result<Self, DeployError> {
        match file {
            Some(path) => Self::from_file(path),
            None => Self::from_env(),
        }
    }

    /// Reads `NUTANIX_USERNAME` and `NUTANIX_PASSWORD`.
    pub fn from_env() -> Result<Self, DeployError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Credentials::from_env`] with a custom variable lookup (for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, DeployError> {
        let username = lookup(USERNAME_VAR).filter(|v| !v.is_empty());
        let password = lookup(PASSWORD_VAR).filter(|v| !v.is_empty());
        match (username, password) {
            (Some(u), Some(p)) => Ok(Credentials::new(u, p)),
            (u, p) => {
                let missing: Vec<&str> = [(u.is_none(), USERNAME_VAR), (p.is_none(), PASSWORD_VAR)]
                    .into_iter()
                    .filter(|(m, _)| *m)
                    .map(|(_, n)| n)
                    .collect();
                Err(DeployError::new(
                    ErrorKind::Auth,
                    format!(
                        "no Prism Central credentials: {} not set",
                        missing.join(" and ")
                    ),
                )
                .with_hint(format!(
                    "export {USERNAME_VAR} and {PASSWORD_VAR}, or pass --credentials-file PATH"
                )))
            }
        }
    }

    /// Reads a credentials file: `KEY=VALUE` lines with keys `username` and
    /// `password` (or `NUTANIX_USERNAME` / `NUTANIX_PASSWORD`); `#` starts a
    /// comment line. Values are taken verbatim after the first `=`.
    pub fn from_file(path: &Path) -> Result<Self, DeployError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| DeployError::io("cannot read credentials file", path, &e))?;
        Self::parse_file(&text).map_err(|e| {
            DeployError::input(format!(
                "credentials file `{}`: {}",
                path.display(),
                e.message
            ))
            .with_hint("write two lines: `username=USER` and `password=PASSWORD`")
        })
    }

    /// Whether others than the owner may read the file at `path` (Unix
    /// permission bits `0o077`); `false` where that cannot be told.
    pub fn file_readable_by_others(path: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            false
        }
    }

    /// Parses the text of a credentials file (see [`Credentials::from_file`]).
    pub fn parse_file(text: &str) -> Result<Self, DeployError> {
        let mut username = None;
        let mut password = None;
        for (index, line) in text.lines().enumerate() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(DeployError::input(format!(
                    "line {} is not KEY=VALUE",
                    index + 1
                )));
            };
            let value = value.trim_end_matches(['\r', '\n']).to_string();
            match key.trim() {
                "username" | USERNAME_VAR => username = Some(value),
                "password" | PASSWORD_VAR => password = Some(value),
                other => {
                    return Err(DeployError::input(format!(
                        "line {}: unknown key `{other}` (expected username or password)",
                        index + 1
                    )))
                }
            }
        }
        match (username, password) {
            (Some(u), Some(p)) if !u.is_empty() && !p.is_empty() => Ok(Credentials::new(u, p)),
            _ => Err(DeployError::input(
                "both a non-empty `username` and a non-empty `password` are required",
            )),
        }
    }

    /// The value of the HTTP `Authorization` header for basic auth.
    pub fn authorization_header(&self) -> String {
        let raw = format!("{}:{}", self.username, self.password.expose());
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_password() {
        let c = Credentials::new("admin", "hunter2-very-secret");
        let shown = format!("{c:?} {}", c.password);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("admin"));
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn basic_auth_header() {
        let c = Credentials::new("admin", "secret");
        assert_eq!(c.authorization_header(), "Basic YWRtaW46c2VjcmV0");
    }

    #[test]
    fn env_lookup_names_missing_variables() {
        let err =
            Credentials::from_lookup(|n| (n == USERNAME_VAR).then(|| "u".to_string())).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Auth);
        assert!(err.message.contains(PASSWORD_VAR));
        assert!(!err.message.contains(USERNAME_VAR));
        let ok = Credentials::from_lookup(|n| Some(format!("v-{n}"))).unwrap();
        assert_eq!(ok.username, format!("v-{USERNAME_VAR}"));
    }

    #[cfg(unix)]
    #[test]
    fn credentials_file_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let path = std::env::temp_dir().join(format!("cw-deploy-cred-{}", std::process::id()));
        std::fs::write(&path, "username=a\npassword=b\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(Credentials::file_readable_by_others(&path));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(!Credentials::file_readable_by_others(&path));
        assert_eq!(Credentials::from_file(&path).unwrap().username, "a");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn credentials_file_parsing() {
        let c = Credentials::parse_file("# lab\nusername=admin\npassword=a=b c\n").unwrap();
        assert_eq!(c.username, "admin");
        assert_eq!(c.password.expose(), "a=b c");
        let c = Credentials::parse_file("NUTANIX_USERNAME=x\nNUTANIX_PASSWORD=y").unwrap();
        assert_eq!(c.username, "x");
        let e =
            Credentials::parse_file("username=admin\npassword=topsecret\ncolor=red").unwrap_err();
        assert!(e.message.contains("color"));
        assert!(!e.message.contains("topsecret"));
        assert!(Credentials::parse_file("username=admin\n").is_err());
        assert!(Credentials::parse_file("just a line").is_err());
    }
}
