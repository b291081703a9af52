//! Reading `#include`d files from the file system and the embedded stdlib headers.

use cwcc_frontend::pp::IncludeLoader;
use std::path::Path;

/// The loader the `cwcc` binary uses: real files, plus the headers bundled in `cwcc-stdlib`.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsLoader;

impl IncludeLoader for FsLoader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let bytes = std::fs::read(path)?;
        String::from_utf8(bytes).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "file is not valid UTF-8 text",
            )
        })
    }

    fn builtin(&self, name: &str) -> Option<&'static str> {
        cwcc_stdlib::header(name)
    }
}
