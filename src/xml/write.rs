//! The emitter.

use crate::error::InvalidInput;
use crate::model::Element;

/// Builds a compact XML document into a `String`.
pub(crate) struct Writer {
    out: String,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer {
            out: String::with_capacity(512),
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// Writes `<name>`; `name` must be a valid name (the model's names are constants).
    pub(crate) fn open(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes `<name>text</name>`, escaped.
    pub(crate) fn text(&mut self, name: &str, text: &str) -> Result<(), InvalidInput> {
        self.open(name);
        escape_into(&mut self.out, name, text)?;
        self.close(name);
        Ok(())
    }

    /// Writes `<name>text</name>` when `text` is set.
    pub(crate) fn opt_text(&mut self, name: &str, text: Option<&str>) -> Result<(), InvalidInput> {
        match text {
            Some(text) => self.text(name, text),
            None => Ok(()),
        }
    }

    /// Writes a generic element tree, checking every name.
    pub(crate) fn element(&mut self, element: &Element) -> Result<(), InvalidInput> {
        if !is_valid_name(&element.name) {
            return Err(InvalidInput::BadElementName(element.name.clone()));
        }
        self.open(&element.name);
        escape_into(&mut self.out, &element.name, &element.text)?;
        for child in &element.children {
            self.element(child)?;
        }
        self.close(&element.name);
        Ok(())
    }
}

/// The ASCII subset of XML names: every element name of the API fits it.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("xml"))
}

fn escape_into(out: &mut String, element: &str, text: &str) -> Result<(), InvalidInput> {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A raw CR would be normalised to LF by every reader.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                return Err(InvalidInput::UnrepresentableText {
                    element: element.to_owned(),
                });
            }
            c => out.push(c),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_and_refuses_controls() {
        let mut w = Writer::new();
        w.text("A", "<&>\"'\r").unwrap();
        assert_eq!(w.finish(), "<A>&lt;&amp;&gt;&quot;&apos;&#13;</A>");
        let mut w = Writer::new();
        assert_eq!(
            w.text("A", "bell\u{7}"),
            Err(InvalidInput::UnrepresentableText {
                element: "A".into()
            })
        );
    }

    #[test]
    fn names_are_checked() {
        assert!(is_valid_name("Transcode"));
        assert!(is_valid_name("a-b.c_1"));
        for bad in ["", "1a", "a b", "a>", "xmlFoo", "é"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
