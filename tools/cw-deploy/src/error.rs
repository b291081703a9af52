//! The one error type of `cw-deploy`: a one-line message, an optional hint,
//! and a kind that decides the exit code and whether a request is retried.

use std::fmt;

/// What went wrong, coarsely; used for exit codes, retries and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Wrong or missing credentials (HTTP 401), or no credentials configured.
    Auth,
    /// The user is authenticated but not allowed (HTTP 403).
    Forbidden,
    /// The endpoint path does not exist (HTTP 404): not a Prism Central v3 API.
    NotFound,
    /// The host could not be reached: DNS failure, connection refused.
    Unreachable,
    /// TLS handshake or certificate verification failed.
    Tls,
    /// The server did not answer in time.
    Timeout,
    /// The server answered with an error status (429 or 5xx) after all retries.
    Server,
    /// The server answered, but the body is not the documented v3 JSON.
    BadResponse,
    /// Bad user input: flags, files, artifact directory, inventory file.
    Input,
    /// Local file system error (reading inputs, writing outputs).
    Io,
}

/// An error with a message a user understands and a hint on what to do.
///
/// Messages never contain credentials: the client builds them from status
/// codes, URLs and field names only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployError {
    /// The coarse category.
    pub kind: ErrorKind,
    /// One line saying what went wrong and where.
    pub message: String,
    /// One line saying what to try, when there is something to try.
    pub hint: Option<String>,
}

impl DeployError {
    /// An error of `kind` with `message` and no hint.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        DeployError {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    /// The same error with `hint` attached.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// A [`ErrorKind::Input`] error.
    pub fn input(message: impl Into<String>) -> Self {
        DeployError::new(ErrorKind::Input, message)
    }

    /// A [`ErrorKind::BadResponse`] error.
    pub fn bad_response(message: impl Into<String>) -> Self {
        DeployError::new(ErrorKind::BadResponse, message)
    }

    /// A [`ErrorKind::Io`] error about `path`.
    pub fn io(what: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        DeployError::new(ErrorKind::Io, format!("{what} `{}`: {err}", path.display()))
    }

    /// The process exit code for this error (2 for input errors, 1 otherwise).
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Input => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeployError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_and_exit_code() {
        let e = DeployError::input("bad flag").with_hint("see --help");
        assert_eq!(e.to_string(), "bad flag");
        assert_eq!(e.hint.as_deref(), Some("see --help"));
        assert_eq!(e.exit_code(), 2);
        assert_eq!(DeployError::bad_response("x").exit_code(), 1);
    }
}
