//! Declarations that name each wire element once: a container macro generates the struct,
//! its builder, its writer and its reader from one list, and an enum macro does the same for
//! fixed value sets.

use crate::error::InvalidInput;
use crate::model::Element;
use crate::xml::{Node, Writer};

/// A value that is written as one element.
pub(crate) trait WriteField {
    /// Writes `<name>...</name>`.
    fn write_field(&self, w: &mut Writer, name: &str) -> Result<(), InvalidInput>;
}

/// A value that is read from one element, whatever it holds: reading never fails.
pub(crate) trait ReadField: Sized {
    /// Reads the content of `node`.
    fn read_field(node: &Node<'_, '_>) -> Self;

    /// Reads an optional field: `None` when the element only stands for an absent value
    /// (a time the service writes as `-`). Every container reads its `one` fields so.
    fn read_present(node: &Node<'_, '_>) -> Option<Self> {
        Some(Self::read_field(node))
    }
}

impl WriteField for String {
    fn write_field(&self, w: &mut Writer, name: &str) -> Result<(), InvalidInput> {
        w.text(name, self)
    }
}

impl ReadField for String {
    fn read_field(node: &Node<'_, '_>) -> Self {
        node.text()
    }
}

impl WriteField for Element {
    fn write_field(&self, w: &mut Writer, name: &str) -> Result<(), InvalidInput> {
        let renamed;
        let element = if self.name == name {
            self
        } else {
            renamed = Element {
                name: name.to_owned(),
                ..self.clone()
            };
            &renamed
        };
        w.element(element)
    }
}

/// A required id of an answer: present and not blank, trimmed.
pub(crate) fn required_id(
    id: Option<String>,
    element: &'static str,
) -> Result<String, crate::error::ResponseError> {
    id.map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .ok_or(crate::error::ResponseError::MissingElement(element))
}

impl ReadField for Element {
    fn read_field(node: &Node<'_, '_>) -> Self {
        node.to_element()
    }
}

/// Declares a container element: a struct of optional single children (`one`) and repeated
/// ones (`many`), plus `extra` for the children it does not name, kept in order. It generates
/// the struct and the element's writer, and then either `new` and one builder method per
/// field (a request container) or, with `readable`, the element's reader (an answer
/// container), so that each wire name is written exactly once.
///
/// Written in the order declared, `extra` last; read in any order, where a second `one`
/// child goes to `extra` rather than replacing the first.
macro_rules! container {
    // A request container: the struct, its builder and its writer.
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $kind:ident $field:ident : $ty:ty = $wire:literal ),* $(,)?
        }
    ) => {
        container! {
            @common
            $(#[$meta])*
            pub struct $name {
                $( $kind $field : $ty = $wire ),*
            }
        }

        impl $name {
            /// An empty container; set what you need with the builder methods.
            pub fn new() -> Self {
                Self::default()
            }

            $(
                container!(@setter $kind $field $ty, $wire);
            )*

            /// Appends a child this crate does not name.
            pub fn with_extra(mut self, element: $crate::model::Element) -> Self {
                self.extra.push(element);
                self
            }
        }
    };

    // An answer container: the struct, its reader and its writer (to compare echoes).
    (
        readable
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $kind:ident $field:ident : $ty:ty = $wire:literal ),* $(,)?
        }
    ) => {
        container! {
            @common
            $(#[$meta])*
            pub struct $name {
                $( $kind $field : $ty = $wire ),*
            }
        }

        impl $crate::model::wire::ReadField for $name {
            fn read_field(node: &$crate::xml::Node<'_, '_>) -> Self {
                let mut value = Self::default();
                for child in node.children() {
                    match child.name() {
                        $( $wire => container!(@read $kind value, $field, child, $ty), )*
                        _ => value.extra.push(child.to_element()),
                    }
                }
                value
            }
        }
    };

    (
        @common
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $kind:ident $field:ident : $ty:ty = $wire:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct $name {
            $(
                #[doc = concat!("`", $wire, "`.")]
                pub $field: container!(@type $kind $ty),
            )*
            /// Children this crate does not name, in order, as sent or received.
            pub extra: Vec<$crate::model::Element>,
        }

        impl $name {
            /// The children this container names, in writing order.
            #[allow(dead_code)]
            pub(crate) const WIRE_NAMES: &'static [&'static str] = &[$($wire),*];
        }

        impl $crate::model::wire::WriteField for $name {
            fn write_field(
                &self,
                w: &mut $crate::xml::Writer,
                name: &str,
            ) -> Result<(), $crate::error::InvalidInput> {
                w.open(name);
                $( container!(@write $kind self.$field, w, $wire); )*
                for element in &self.extra {
                    w.element(element)?;
                }
                w.close(name);
                Ok(())
            }
        }
    };

    (@type one $ty:ty) => { Option<$ty> };
    (@type many $ty:ty) => { Vec<$ty> };

    (@setter one $field:ident $ty:ty, $wire:literal) => {
        #[doc = concat!("Sets `", $wire, "`.")]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (@setter many $field:ident $ty:ty, $wire:literal) => {
        #[doc = concat!("Appends a `", $wire, "`.")]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field.push(value.into());
            self
        }
    };

    (@write one $value:expr, $w:ident, $wire:literal) => {
        if let Some(value) = &$value {
            $crate::model::wire::WriteField::write_field(value, $w, $wire)?;
        }
    };
    (@write many $value:expr, $w:ident, $wire:literal) => {
        for value in &$value {
            $crate::model::wire::WriteField::write_field(value, $w, $wire)?;
        }
    };

    (@read one $value:ident, $field:ident, $child:ident, $ty:ty) => {
        if $value.$field.is_some() {
            $value.extra.push($child.to_element());
        } else {
            $value.$field = <$ty as $crate::model::wire::ReadField>::read_present(&$child);
        }
    };
    (@read many $value:ident, $field:ident, $child:ident, $ty:ty) => {
        $value.$field.push(<$ty as $crate::model::wire::ReadField>::read_field(&$child))
    };
}

/// Declares a fixed set of wire values: the enum, `as_str`, `FromStr` and `Display`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "`.")] $variant ),+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const LISTED: &'static [$name] = &[$($name::$variant),+];

            /// The wire value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire ),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::UnknownValue;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $( $wire => Ok($name::$variant), )+
                    _ => Err($crate::error::UnknownValue {
                        of: stringify!($name),
                        value: text.to_owned(),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl $crate::model::wire::WriteField for $name {
            fn write_field(
                &self,
                w: &mut $crate::xml::Writer,
                name: &str,
            ) -> Result<(), $crate::error::InvalidInput> {
                w.text(name, self.as_str())
            }
        }
    };
}

/// Declares an open set of wire values: the listed ones, and a last variant (written after
/// `else`) that keeps any other text (an answer's new value, or a request's escape hatch). Parsing never fails and
/// gives a listed variant whenever the text is one, so the fallback never holds a listed value
/// when it comes from `parse`.
macro_rules! open_wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
        else $(#[$fmeta:meta])* $fallback:ident(String)
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            $(#[$fmeta])* $fallback(String),
        }

        impl $name {
            /// The values this crate names, in the order declared (the fallback aside).
            pub const LISTED: &'static [$name] = &[$($name::$variant),+];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::$fallback(other) => other,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(match text {
                    $( $wire => $name::$variant, )+
                    other => $name::$fallback(other.to_owned()),
                })
            }
        }

        impl $crate::model::wire::ReadField for $name {
            fn read_field(node: &$crate::xml::Node<'_, '_>) -> Self {
                let Ok(value) = node.text().trim().parse();
                value
            }
        }

        impl $crate::model::wire::WriteField for $name {
            fn write_field(
                &self,
                w: &mut $crate::xml::Writer,
                name: &str,
            ) -> Result<(), $crate::error::InvalidInput> {
                w.text(name, self.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}

pub(crate) use {container, open_wire_enum, wire_enum};
