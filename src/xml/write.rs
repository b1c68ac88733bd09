//! The emitter.

use crate::error::InvalidInput;
use crate::model::Element;

/// Builds a compact XML document into a `String`.
///
/// A method that fails leaves the document as it was before the call: nothing half-written,
/// so a caller that skips a refused element still ends with well-formed XML.
pub(crate) struct Writer {
    out: String,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer {
            out: String::with_capacity(1024),
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
        self.all_or_nothing(|w| {
            w.open(name);
            escape_into(&mut w.out, name, text)?;
            w.close(name);
            Ok(())
        })
    }

    /// Writes `<name>text</name>` when `text` is set.
    pub(crate) fn opt_text(&mut self, name: &str, text: Option<&str>) -> Result<(), InvalidInput> {
        match text {
            Some(text) => self.text(name, text),
            None => Ok(()),
        }
    }

    /// Writes a generic element tree, checking every name, and refusing a tree nested more
    /// than [`MAX_ELEMENT_DEPTH`] levels: no request of the API nests so deep, and the
    /// reader's document limit (64) leaves room for such a tree inside an answer. An echo
    /// nested deeper than this cannot be written back, so a create never takes it as its own.
    pub(crate) fn element(&mut self, element: &Element) -> Result<(), InvalidInput> {
        self.all_or_nothing(|w| w.element_tree(element, 1))
    }

    fn element_tree(&mut self, element: &Element, depth: usize) -> Result<(), InvalidInput> {
        if depth > MAX_ELEMENT_DEPTH {
            return Err(InvalidInput::ElementTooDeep {
                element: element.name.clone(),
            });
        }
        if !is_valid_name(&element.name) {
            return Err(InvalidInput::BadElementName(element.name.clone()));
        }
        self.open(&element.name);
        escape_into(&mut self.out, &element.name, &element.text)?;
        for child in &element.children {
            self.element_tree(child, depth + 1)?;
        }
        self.close(&element.name);
        Ok(())
    }

    /// Runs `write`, undoing what it wrote if it fails.
    fn all_or_nothing(
        &mut self,
        write: impl FnOnce(&mut Self) -> Result<(), InvalidInput>,
    ) -> Result<(), InvalidInput> {
        let mark = self.out.len();
        let result = write(self);
        if result.is_err() {
            self.out.truncate(mark);
        }
        result
    }
}

/// The deepest generic element tree written.
pub(crate) const MAX_ELEMENT_DEPTH: usize = 32;

/// The ASCII subset of XML names: every element name of the API fits it.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("xml"))
}

/// Appends `text` escaped. Unchanged runs are copied whole; only ASCII bytes need a look,
/// and U+FFFE / U+FFFF (encoded EF BF BE / EF BF BF), which XML 1.0 excludes.
fn escape_into(out: &mut String, element: &str, text: &str) -> Result<(), InvalidInput> {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            // A raw CR would be normalised to LF by every reader.
            b'\r' => "&#13;",
            b'\t' | b'\n' => continue,
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
                return Err(unrepresentable(element));
            }
            b if b < 0x20 => return Err(unrepresentable(element)),
            _ => continue,
        };
        out.push_str(&text[run_start..i]);
        out.push_str(replacement);
        run_start = i + 1;
    }
    out.push_str(&text[run_start..]);
    Ok(())
}

fn unrepresentable(element: &str) -> InvalidInput {
    InvalidInput::UnrepresentableText {
        element: element.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_and_refuses_controls() {
        let mut w = Writer::new();
        w.text("A", "<&>\"'\r").unwrap();
        assert_eq!(w.finish(), "<A>&lt;&amp;&gt;&quot;&apos;&#13;</A>");
        for bad in ["\u{FFFE}", "x\u{FFFF}"] {
            assert!(Writer::new().text("A", bad).is_err(), "{bad:?}");
        }
        assert!(Writer::new().text("A", "\u{FFFD}\u{EFBF}").is_ok());
        let mut w = Writer::new();
        assert_eq!(
            w.text("A", "bell\u{7}"),
            Err(InvalidInput::UnrepresentableText {
                element: "A".into()
            })
        );
    }

    #[test]
    fn a_refused_element_leaves_nothing_behind() {
        let mut w = Writer::new();
        w.open("R");
        assert!(w.text("A", "ok\u{1}").is_err());
        let tree = Element::new("B")
            .with_child(Element::text("C", "x"))
            .with_child(Element::new("bad name"));
        assert!(w.element(&tree).is_err());
        w.close("R");
        assert_eq!(w.finish(), "<R></R>");
    }

    #[test]
    fn a_tree_deeper_than_the_limit_is_refused_without_recursing_into_it() {
        let mut deep = Element::text("L", "x");
        for _ in 0..100_000 {
            deep = Element::new("L").with_child(deep);
        }
        let mut w = Writer::new();
        assert_eq!(
            w.element(&deep),
            Err(InvalidInput::ElementTooDeep {
                element: "L".into()
            })
        );
        assert_eq!(w.finish(), "");
        // Dropping a deep tree recurses too; unwind it by hand.
        let mut node = deep;
        while let Some(child) = node.children.pop() {
            node = child;
        }
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
