//! A generic element tree, for the per-Tag `JobParam` containers and for anything else the
//! typed model does not name.

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
}
