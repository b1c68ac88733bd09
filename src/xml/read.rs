//! The reader: roxmltree with DTDs refused and nesting and size bounded.

use crate::error::ResponseError;
use crate::model::Element;

/// Deeper documents are refused: the API nests about six levels, and converting a tree into
/// [`Element`]s recurses.
const MAX_DEPTH: usize = 64;

/// Bounds the work and memory of one parse, whatever the body size cap is.
const MAX_NODES: u32 = 1_000_000;

/// The most attributes (namespace declarations included) a document may hold. The API uses
/// none, and roxmltree's work grows faster than linearly with them: each element that
/// declares a namespace copies every namespace in scope, and an element's attributes are
/// compared pairwise. A 127 KB body of declarations took 44 s to read.
const MAX_ATTRIBUTES: usize = 256;

/// A parsed response document.
pub(crate) struct Document<'input> {
    doc: roxmltree::Document<'input>,
}

impl<'input> Document<'input> {
    /// Parses `body`, which should be an `<expected>` document (named in errors), refusing
    /// non-UTF-8, DTDs and excessive nesting.
    pub(crate) fn parse(body: &'input [u8], expected: &'static str) -> Result<Self, ResponseError> {
        let text = std::str::from_utf8(body).map_err(|_| ResponseError::NotUtf8)?;
        if attribute_count(body) > MAX_ATTRIBUTES {
            return Err(ResponseError::Malformed {
                expected,
                detail: format!("more than {MAX_ATTRIBUTES} attributes"),
            });
        }
        let options = roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
            roxmltree::Error::DtdDetected => ResponseError::DtdRefused,
            other => ResponseError::Malformed {
                expected,
                detail: other.to_string(),
            },
        })?;
        check_depth(&doc)?;
        Ok(Document { doc })
    }

    /// The root element.
    pub(crate) fn root(&self) -> Node<'_, 'input> {
        Node(self.doc.root_element())
    }

    /// The root element, which must be named `expected`.
    pub(crate) fn expect_root(
        &self,
        expected: &'static str,
    ) -> Result<Node<'_, 'input>, ResponseError> {
        let root = self.root();
        if root.name() == expected {
            Ok(root)
        } else {
            Err(ResponseError::UnexpectedRoot {
                expected,
                found: root.name().to_owned(),
            })
        }
    }
}

/// How many `=` stand inside element tags, outside quoted values: an upper bound of the
/// attributes, counted in one pass before the parser sees them. Declarations, processing
/// instructions and comments (`<?`, `<!`) are not tags.
fn attribute_count(body: &[u8]) -> usize {
    let mut count = 0;
    let mut in_tag = false;
    let mut quote: Option<u8> = None;
    for (i, &b) in body.iter().enumerate() {
        match (in_tag, quote, b) {
            (false, _, b'<') => {
                in_tag = !matches!(body.get(i + 1), Some(b'?' | b'!'));
            }
            (true, None, b'"' | b'\'') => quote = Some(b),
            (true, Some(q), _) if b == q => quote = None,
            (true, None, b'=') => count += 1,
            (true, None, b'>') => in_tag = false,
            _ => {}
        }
    }
    count
}

fn check_depth(doc: &roxmltree::Document<'_>) -> Result<(), ResponseError> {
    // Depth per node id, filled in document order in one pass: a parent always precedes its
    // children, so this is linear where walking ancestors would be quadratic.
    let mut depth: Vec<u16> = Vec::with_capacity(256);
    for node in doc.descendants() {
        let d = node
            .parent()
            .map_or(0, |p| depth[p.id().get_usize()] as usize + 1);
        if d > MAX_DEPTH {
            return Err(ResponseError::TooDeep);
        }
        let id = node.id().get_usize();
        if depth.len() <= id {
            depth.resize(id + 1, 0);
        }
        depth[id] = d as u16;
    }
    Ok(())
}

/// An element of a parsed document.
#[derive(Clone, Copy)]
pub(crate) struct Node<'a, 'input>(roxmltree::Node<'a, 'input>);

impl<'a, 'input> Node<'a, 'input> {
    pub(crate) fn name(&self) -> &'a str {
        self.0.tag_name().name()
    }

    /// The element's own text (all text and CDATA children), untrimmed.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for child in self.0.children().filter(|c| c.is_text()) {
            out.push_str(child.text().unwrap_or_default());
        }
        out
    }

    /// The element children, in document order.
    pub(crate) fn children(&self) -> impl Iterator<Item = Node<'a, 'input>> + use<'a, 'input> {
        self.0.children().filter(|c| c.is_element()).map(Node)
    }

    /// The first child element called `name`.
    pub(crate) fn child(&self, name: &str) -> Option<Node<'a, 'input>> {
        self.children().find(|c| c.name() == name)
    }

    /// The text of the first child called `name`.
    pub(crate) fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text())
    }

    /// How many elements the tree rooted here holds, itself included.
    #[cfg(feature = "emulator")]
    pub(crate) fn element_count(&self) -> usize {
        self.0.descendants().filter(|n| n.is_element()).count()
    }

    /// What [`Node::to_element`] would drop from this tree and an author could have meant:
    /// an attribute, or text beside child elements. `None` when the tree converts whole.
    pub(crate) fn lossy_part(&self) -> Option<String> {
        self.0
            .descendants()
            .filter(|n| n.is_element())
            .find_map(|n| {
                let name = n.tag_name().name();
                if n.attributes().len() > 0 {
                    return Some(format!(
                        "<{name}> has attributes, which the API does not use"
                    ));
                }
                let has_elements = n.children().any(|c| c.is_element());
                let has_text = n
                    .children()
                    .any(|c| c.is_text() && !c.text().unwrap_or("").trim().is_empty());
                (has_elements && has_text)
                    .then(|| format!("<{name}> holds text beside child elements"))
            })
    }

    /// This element as a generic tree. Text beside child elements is formatting whitespace
    /// in every response of the API, so it is dropped.
    pub(crate) fn to_element(self) -> Element {
        let children: Vec<Element> = self.children().map(|c| c.to_element()).collect();
        let text = if children.is_empty() {
            self.text()
        } else {
            String::new()
        };
        Element {
            name: self.name().to_owned(),
            text,
            children,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dtd_depth_and_junk() {
        let dtd = b"<!DOCTYPE r [<!ENTITY a \"aaaa\">]><r>&a;</r>";
        assert_eq!(
            Document::parse(dtd, "r").err(),
            Some(ResponseError::DtdRefused)
        );
        let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
        assert_eq!(
            Document::parse(deep.as_bytes(), "a").err(),
            Some(ResponseError::TooDeep)
        );
        assert_eq!(
            Document::parse(b"\xff<a/>", "a").err(),
            Some(ResponseError::NotUtf8)
        );
        assert!(matches!(
            Document::parse(b"<a><b></a>", "a").err(),
            Some(ResponseError::Malformed { expected: "a", .. })
        ));
    }
}
