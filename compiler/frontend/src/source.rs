//! Source files, spans and the macro-expansion / include chains behind every token.
//!
//! A [`Span`] is a byte range in one file plus the macro expansion (if any) that produced it.
//! The [`SourceMap`] owns all files and all expansion records, so a span can always be traced
//! back to the user's own text: through [`SourceMap::expansion`] up the macro-expansion chain,
//! and through [`SourceFile::included_from`] up the include chain.

use std::fmt;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// Index of a macro expansion record in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExpansionId(pub u32);

/// A byte range `lo..hi` in one file, and the macro expansion the text came through.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file the bytes are in.
    pub file: FileId,
    /// First byte.
    pub lo: u32,
    /// One past the last byte.
    pub hi: u32,
    /// The innermost macro expansion that produced this text, if any.
    pub expansion: Option<ExpansionId>,
}

impl Span {
    /// A span of `lo..hi` in `file`, not produced by a macro.
    pub fn new(file: FileId, lo: u32, hi: u32) -> Span {
        Span {
            file,
            lo,
            hi,
            expansion: None,
        }
    }

    /// The span from the start of `self` to the end of `other` when both lie in the same file
    /// and expansion; otherwise `self`.
    pub fn to(self, other: Span) -> Span {
        if self.file == other.file && self.expansion == other.expansion && other.hi >= self.lo {
            Span {
                hi: other.hi.max(self.hi),
                ..self
            }
        } else {
            self
        }
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}..{}", self.file.0, self.lo, self.hi)?;
        if let Some(e) = self.expansion {
            write!(f, "@e{}", e.0)?;
        }
        Ok(())
    }
}

/// One source file (a `.cu` file, a user header or a stdlib header).
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (the path as the user or the `#include` spelled it).
    pub name: String,
    /// The whole text.
    pub text: String,
    /// Byte offsets where lines start (line 1 starts at 0).
    line_starts: Vec<u32>,
    /// The `#include` directive that brought this file in, if any.
    pub included_from: Option<Span>,
    /// Whether it is a header bundled with cwcc (`stdlib/include`): its declarations without
    /// bodies are device-library builtins, and some warnings are not reported in it.
    pub system: bool,
}

impl SourceFile {
    /// 1-based line and column (in bytes) of byte offset `pos`.
    pub fn line_col(&self, pos: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        (line as u32 + 1, pos.saturating_sub(start) + 1)
    }

    /// Byte offsets where lines start.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }
}

/// One macro expansion: which macro, where it was invoked, and the expansion it happened in.
#[derive(Clone, Debug)]
pub struct Expansion {
    /// The macro's name.
    pub macro_name: String,
    /// Where the macro was invoked (for a function-like macro: name through closing paren).
    pub call_site: Span,
    /// Where the macro was defined (its name in the `#define`); `None` for predefined macros.
    pub def_site: Option<Span>,
}

/// All files and macro expansions of one compilation.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    expansions: Vec<Expansion>,
}

impl SourceMap {
    /// An empty source map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add_file(
        &mut self,
        name: impl Into<String>,
        text: impl Into<String>,
        included_from: Option<Span>,
    ) -> FileId {
        let text = text.into();
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        self.files.push(SourceFile {
            name: name.into(),
            text,
            line_starts,
            included_from,
            system: false,
        });
        FileId(self.files.len() as u32 - 1)
    }

    /// Marks a file as a bundled system header.
    pub fn mark_system(&mut self, id: FileId) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            f.system = true;
        }
    }

    /// Records a macro expansion and returns its id.
    pub fn add_expansion(&mut self, expansion: Expansion) -> ExpansionId {
        self.expansions.push(expansion);
        ExpansionId(self.expansions.len() as u32 - 1)
    }

    /// The file with id `id`.
    ///
    /// Ids are only made by [`SourceMap::add_file`], so an unknown id is a bug in the caller;
    /// it yields an empty, nameless file rather than panicking.
    pub fn file(&self, id: FileId) -> &SourceFile {
        static NO_FILE: SourceFile = SourceFile {
            name: String::new(),
            text: String::new(),
            line_starts: Vec::new(),
            included_from: None,
            system: false,
        };
        self.files.get(id.0 as usize).unwrap_or(&NO_FILE)
    }

    /// The file with id `id`, if it exists.
    pub fn get_file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The expansion record `id`, if it exists.
    pub fn expansion(&self, id: ExpansionId) -> Option<&Expansion> {
        self.expansions.get(id.0 as usize)
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn snippet(&self, span: Span) -> &str {
        self.get_file(span.file)
            .and_then(|f| f.text.get(span.lo as usize..span.hi as usize))
            .unwrap_or("")
    }

    /// `name:line:col` of the start of a span.
    pub fn describe(&self, span: Span) -> String {
        match self.get_file(span.file) {
            Some(f) => {
                let (l, c) = f.line_col(span.lo);
                format!("{}:{}:{}", f.name, l, c)
            }
            None => "<unknown>".to_string(),
        }
    }

    /// The span in the user's own text for `span`: the outermost macro call site when the span
    /// came from a macro body, else the span itself.
    pub fn user_span(&self, span: Span) -> Span {
        let mut s = span;
        let mut guard = 0;
        while let Some(e) = s.expansion.and_then(|e| self.expansion(e)) {
            s = e.call_site;
            guard += 1;
            if guard > 256 {
                break;
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_file_ids_do_not_panic() {
        let map = SourceMap::new();
        let f = map.file(FileId(3));
        assert_eq!(f.line_col(10), (1, 11));
        assert_eq!(map.describe(Span::new(FileId(3), 0, 1)), "<unknown>");
    }

    #[test]
    fn line_and_column_are_one_based() {
        let mut map = SourceMap::new();
        let id = map.add_file("a.cu", "ab\ncd\n", None);
        assert_eq!(map.file(id).line_col(0), (1, 1));
        assert_eq!(map.file(id).line_col(4), (2, 2));
        assert_eq!(map.describe(Span::new(id, 3, 4)), "a.cu:2:1");
    }
}
