//! A generic element tree, for the per-Tag `JobParam` containers and for anything else the
//! typed model does not name.

use crate::error::{InvalidInput, ResponseError};
use crate::xml::Document;

/// An XML element with text or children (the API never mixes the two, nor uses attributes).
///
/// ```
/// use cos_ci_batch::model::Element;
///
/// let snapshot = Element::new("Snapshot")
///     .with_child(Element::text("Mode", "Interval"))
///     .with_child(Element::text("Count", "10"));
/// assert_eq!(snapshot.child("Count").map(|c| c.text.as_str()), Some("10"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    /// The element name, such as `Transcode`. Must be a valid XML name (checked on emit).
    pub name: String,
    /// The text content, written before any children.
    pub text: String,
    /// The child elements, in order.
    pub children: Vec<Element>,
}

impl Element {
    /// An empty element.
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            ..Element::default()
        }
    }

    /// An element holding only text.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            text: text.into(),
            children: Vec::new(),
        }
    }

    /// Appends a child (builder style).
    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(child);
        self
    }

    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Reads an element tree from an XML document, such as a `JobParam` kept in a file, with
    /// the limits answers are read with (no DTD, at most 64 levels). A document the tree
    /// cannot hold whole is refused: attributes, or text beside child elements (whitespace
    /// there is formatting). Comments and processing instructions are dropped.
    ///
    /// ```
    /// use cos_ci_batch::error::InvalidInput;
    /// use cos_ci_batch::model::Element;
    ///
    /// let xml = "<JobParam>\n  <Snapshot><Mode>Interval</Mode><Count>3</Count></Snapshot>\n</JobParam>";
    /// let param = Element::from_xml(xml)?;
    /// assert_eq!(param.name, "JobParam");
    /// assert_eq!(param.children[0].child("Count").map(|c| c.text.as_str()), Some("3"));
    /// assert!(matches!(Element::from_xml("<JobParam>"), Err(InvalidInput::UnreadableXml(_))));
    /// assert_eq!(
    ///     Element::from_xml("<JobParam><Snapshot mode=\"x\"/></JobParam>"),
    ///     Err(InvalidInput::UnreadableXml("<Snapshot> has attributes, which the API does not use".into()))
    /// );
    /// # Ok::<(), InvalidInput>(())
    /// ```
    pub fn from_xml(xml: &str) -> Result<Element, InvalidInput> {
        let document = Document::parse(xml.as_bytes(), "element").map_err(|e| {
            InvalidInput::UnreadableXml(match e {
                ResponseError::Malformed { detail, .. } => detail,
                ResponseError::DtdRefused => "a DTD is not accepted".to_owned(),
                ResponseError::TooDeep => "it nests deeper than 64 levels".to_owned(),
                other => other.to_string(),
            })
        })?;
        let root = document.root();
        if let Some(problem) = root.lossy_part() {
            return Err(InvalidInput::UnreadableXml(problem));
        }
        Ok(root.to_element())
    }
}
