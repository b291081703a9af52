//! Diagnostics: errors, warnings and notes with source locations, rendered with
//! codespan-reporting.
//!
//! Every stage collects [`Diagnostic`]s into a [`Diagnostics`] list instead of stopping at the
//! first problem. Rendering adds the macro-expansion and include chains of the primary span as
//! notes, so a message always points at the user's own text.

use crate::source::{SourceMap, Span};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::WriteColor};
use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Extra information, e.g. "host code skipped".
    Note,
    /// Something suspicious that does not stop compilation.
    Warning,
    /// The input is wrong or unsupported; compilation fails.
    Error,
}

/// One message about the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// The main message, one line, lower case, no trailing period (as rustc and clang do).
    pub message: String,
    /// Where the problem is, with an optional label shown under the snippet.
    pub primary: Option<(Span, String)>,
    /// Further places worth showing.
    pub secondary: Vec<(Span, String)>,
    /// Free-form notes shown after the snippet.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(Severity::Error, message, Some(span))
    }

    /// A warning at `span`.
    pub fn warning(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(Severity::Warning, message, Some(span))
    }

    /// A note at `span`.
    pub fn note(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(Severity::Note, message, Some(span))
    }

    /// An error with no location (e.g. a file that cannot be read).
    pub fn error_no_span(message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, message, None)
    }

    fn new(severity: Severity, message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            severity,
            message: message.into(),
            primary: span.map(|s| (s, String::new())),
            secondary: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Sets the label under the primary span.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        if let Some((_, l)) = &mut self.primary {
            *l = label.into();
        }
        self
    }

    /// Adds a secondary span with a label.
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics collected by a stage.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    /// Adds all diagnostics of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    /// Whether any error was reported.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.is_error()).count()
    }

    /// All diagnostics in the order reported.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Consumes the list.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

/// Adapter that lets codespan-reporting read the [`SourceMap`].
struct CsFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for CsFiles<'a> {
    type FileId = u32;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: u32) -> Result<&'a str, FilesError> {
        self.0
            .get_file(crate::source::FileId(id))
            .map(|f| f.name.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: u32) -> Result<&'a str, FilesError> {
        self.0
            .get_file(crate::source::FileId(id))
            .map(|f| f.text.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: u32, byte_index: usize) -> Result<usize, FilesError> {
        let f = self
            .0
            .get_file(crate::source::FileId(id))
            .ok_or(FilesError::FileMissing)?;
        Ok(match f.line_starts().binary_search(&(byte_index as u32)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        })
    }

    fn line_range(&'a self, id: u32, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self
            .0
            .get_file(crate::source::FileId(id))
            .ok_or(FilesError::FileMissing)?;
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len().saturating_sub(1),
        })? as usize;
        let end = starts
            .get(line_index + 1)
            .map(|&e| e as usize)
            .unwrap_or(f.text.len());
        Ok(start..end)
    }
}

/// Options for rendering.
#[derive(Clone, Copy, Debug)]
pub struct RenderConfig {
    /// Use the short one-line form (`file:line:col: error: message`).
    pub short: bool,
}

/// Renders one diagnostic to `out`, with the macro and include chain of its primary span
/// as notes.
pub fn render(
    sources: &SourceMap,
    d: &Diagnostic,
    out: &mut dyn WriteColor,
    config: RenderConfig,
) -> std::io::Result<()> {
    let cs = to_codespan(sources, d);
    let mut cfg = term::Config::default();
    if config.short {
        cfg.display_style = term::DisplayStyle::Short;
    }
    term::emit_to_write_style(out, &cfg, &CsFiles(sources), &cs).map_err(|e| match e {
        FilesError::Io(io) => io,
        other => std::io::Error::other(other.to_string()),
    })
}

/// Renders all diagnostics to a plain string (used by snapshot tests).
pub fn render_to_string(sources: &SourceMap, diags: &Diagnostics) -> String {
    let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::<u8>::new());
    for d in diags.iter() {
        // Writing to a Vec cannot fail; a failure would only truncate the text.
        let _ = render(sources, d, &mut buf, RenderConfig { short: false });
    }
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}

fn in_bounds(sources: &SourceMap, span: Span) -> bool {
    sources
        .get_file(span.file)
        .is_some_and(|f| span.lo <= span.hi && span.hi as usize <= f.text.len())
}

fn to_codespan(sources: &SourceMap, d: &Diagnostic) -> CsDiagnostic<u32> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    };
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    if let Some((span, label)) = &d.primary {
        // Point at the user's text: the outermost macro invocation; show where the macro
        // body text came from as a secondary label.
        let user = sources.user_span(*span);
        if in_bounds(sources, user) {
            labels.push(
                Label::primary(user.file.0, user.lo as usize..user.hi as usize).with_message(label),
            );
        }
        if user != *span && in_bounds(sources, *span) {
            labels.push(
                Label::secondary(span.file.0, span.lo as usize..span.hi as usize)
                    .with_message("from this macro text"),
            );
        }
        notes.extend(expansion_chain(sources, *span));
        notes.extend(include_chain(sources, user));
    }
    for (span, label) in &d.secondary {
        let user = sources.user_span(*span);
        if in_bounds(sources, user) {
            labels.push(
                Label::secondary(user.file.0, user.lo as usize..user.hi as usize)
                    .with_message(label),
            );
        }
    }
    notes.extend(d.notes.iter().cloned());
    CsDiagnostic::new(severity)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// "in expansion of macro `M` at file:line:col" notes, innermost first.
pub fn expansion_chain(sources: &SourceMap, span: Span) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = span.expansion;
    while let Some(id) = cur {
        let Some(e) = sources.expansion(id) else {
            break;
        };
        out.push(format!(
            "in expansion of macro `{}` at {}",
            e.macro_name,
            sources.describe(sources.user_span(e.call_site))
        ));
        cur = e.call_site.expansion;
        if out.len() > 64 {
            break;
        }
    }
    out
}

/// "in file included from file:line:col" notes, innermost first.
pub fn include_chain(sources: &SourceMap, span: Span) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = sources.get_file(span.file).and_then(|f| f.included_from);
    while let Some(site) = cur {
        out.push(format!("in file included from {}", sources.describe(site)));
        cur = sources.get_file(site.file).and_then(|f| f.included_from);
        if out.len() > 256 {
            break;
        }
    }
    out
}
