//! Preprocessing tokens: what the lexer produces and the preprocessor hands to the parser.
//!
//! Keywords are not distinguished here (a macro may be named like a keyword); the parser's
//! token classifier turns identifiers into keywords, type names and template names.

use crate::source::Span;

/// The kind of a preprocessing token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An identifier or keyword.
    Ident,
    /// A preprocessing number (`12`, `0x1fu`, `1.5e-3f`, `0x1.8p3`); value parsed by
    /// [`crate::literal::parse_number`].
    Number,
    /// A character literal including prefix and quotes (`'a'`, `L'\n'`).
    CharLit,
    /// A string literal including prefix and quotes (`"abc"`, `u8"x"`).
    StringLit,
    /// A punctuator.
    Punct(Punct),
    /// Emitted by the preprocessor for `#pragma unroll`; the optional count's tokens follow,
    /// then [`TokenKind::PragmaEnd`].
    PragmaUnroll,
    /// Ends the tokens of a pragma.
    PragmaEnd,
}

/// C++ punctuators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Punct {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Semi,
    Colon,
    ColonColon,
    Comma,
    Dot,
    Ellipsis,
    Arrow,
    ArrowStar,
    DotStar,
    Question,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Amp,
    Pipe,
    Tilde,
    Bang,
    Assign,
    Lt,
    Gt,
    PlusAssign,
    MinusAssign,
    StarAssign,
    SlashAssign,
    PercentAssign,
    CaretAssign,
    AmpAssign,
    PipeAssign,
    Shl,
    Shr,
    ShlAssign,
    ShrAssign,
    EqEq,
    NotEq,
    LtEq,
    GtEq,
    AmpAmp,
    PipePipe,
    PlusPlus,
    MinusMinus,
    /// `#` (only meaningful to the preprocessor).
    Hash,
    /// `##` (only meaningful to the preprocessor).
    HashHash,
    /// `<=>`
    Spaceship,
}

impl Punct {
    /// The punctuator's spelling.
    pub fn as_str(self) -> &'static str {
        use Punct::*;
        match self {
            LBrace => "{",
            RBrace => "}",
            LBracket => "[",
            RBracket => "]",
            LParen => "(",
            RParen => ")",
            Semi => ";",
            Colon => ":",
            ColonColon => "::",
            Comma => ",",
            Dot => ".",
            Ellipsis => "...",
            Arrow => "->",
            ArrowStar => "->*",
            DotStar => ".*",
            Question => "?",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Caret => "^",
            Amp => "&",
            Pipe => "|",
            Tilde => "~",
            Bang => "!",
            Assign => "=",
            Lt => "<",
            Gt => ">",
            PlusAssign => "+=",
            MinusAssign => "-=",
            StarAssign => "*=",
            SlashAssign => "/=",
            PercentAssign => "%=",
            CaretAssign => "^=",
            AmpAssign => "&=",
            PipeAssign => "|=",
            Shl => "<<",
            Shr => ">>",
            ShlAssign => "<<=",
            ShrAssign => ">>=",
            EqEq => "==",
            NotEq => "!=",
            LtEq => "<=",
            GtEq => ">=",
            AmpAmp => "&&",
            PipePipe => "||",
            PlusPlus => "++",
            MinusMinus => "--",
            Hash => "#",
            HashHash => "##",
            Spaceship => "<=>",
        }
    }
}

/// One preprocessing token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What kind of token.
    pub kind: TokenKind,
    /// The exact spelling (for literals: with prefix, quotes and suffix).
    pub text: String,
    /// Where it was spelled, and the macro expansion it came through.
    pub span: Span,
    /// Whether whitespace preceded it (needed for `#define F(x)` vs `#define F (x)` and for
    /// printing preprocessed output).
    pub leading_space: bool,
    /// Whether it is the first token on its line.
    pub at_line_start: bool,
}

impl Token {
    /// Whether the token is the punctuator `p`.
    pub fn is_punct(&self, p: Punct) -> bool {
        self.kind == TokenKind::Punct(p)
    }

    /// Whether the token is the identifier `name`.
    pub fn is_ident(&self, name: &str) -> bool {
        self.kind == TokenKind::Ident && self.text == name
    }
}
