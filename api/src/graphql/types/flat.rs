//! A fast path for objects whose asked fields are plain values: a specification row, a tag, a
//! category's slug and name, an image's ID and size.
//!
//! async-graphql resolves every field of every object through a boxed future with its own
//! context and path node, collected through a `FuturesUnordered`. On a page of 20 products with
//! 10 specification rows each, 800 of the page's 1,250 fields are such rows, and that machinery,
//! not SQL, was most of the page's time. Here one pass over the selection builds an object's
//! value directly.
//!
//! The answer is always the one async-graphql's own path gives: whatever the fast path cannot
//! answer exactly (a field with arguments or directives, a nested object, a fragment on another
//! type, a field that needs the database) sends the whole object, or the whole list, down the
//! normal path. The schema does not change: the wrappers register and name the inner type.
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::resolve_list;
use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ScalarType, ServerResult, Value,
};
use std::borrow::Cow;

/// An object some of whose fields can be answered without a future.
pub trait FlatFields: OutputType {
    /// The value of field `name` (asked without arguments), or `None` when only the object's
    /// resolver can answer it.
    fn flat_field(&self, ctx: &ContextSelectionSet<'_>, name: &str) -> Option<Value>;

    /// The value of field `field`, asked without arguments and with a selection of its own (an
    /// object or a list of objects, answered with [`nested`] and [`nested_list`]), or `None` when
    /// only the object's resolver can answer it.
    fn flat_object<'a>(
        &self,
        ctx: &ContextSelectionSet<'a>,
        field: &'a Positioned<Field>,
    ) -> Option<Value> {
        let _ = (ctx, field);
        None
    }
}

/// One object, answered by the fast path when it can.
pub struct Flat<T>(pub T);

/// A list of objects, answered by the fast path when every item can be.
pub struct FlatList<T>(pub Vec<T>);

/// The object's value for the selection of `ctx`, or `None` when the fast path cannot give it.
fn flat_value<T: FlatFields>(ctx: &ContextSelectionSet<'_>, item: &T) -> Option<Value> {
    let mut out = IndexMap::new();
    collect(ctx, &ctx.item.node, item, &mut out)?;
    // As async-graphql answers an object whose selection came out empty.
    Some(if out.is_empty() {
        Value::Null
    } else {
        Value::Object(out)
    })
}

fn collect<'a, T: FlatFields>(
    ctx: &ContextSelectionSet<'a>,
    set: &'a SelectionSet,
    item: &T,
    out: &mut IndexMap<Name, Value>,
) -> Option<()> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let (key, value) = field_value(ctx, field, item)?;
                out.insert(key, value);
            }
            Selection::FragmentSpread(spread) => {
                if !spread.node.directives.is_empty() {
                    return None;
                }
                let fragment = ctx
                    .query_env
                    .fragments
                    .get(&spread.node.fragment_name.node)?;
                if fragment.node.type_condition.node.on.node.as_str() != T::type_name() {
                    return None;
                }
                collect(ctx, &fragment.node.selection_set.node, item, out)?;
            }
            Selection::InlineFragment(fragment) => {
                if !fragment.node.directives.is_empty() {
                    return None;
                }
                if let Some(on) = &fragment.node.type_condition
                    && on.node.on.node.as_str() != T::type_name()
                {
                    return None;
                }
                collect(ctx, &fragment.node.selection_set.node, item, out)?;
            }
        }
    }
    Some(())
}

fn field_value<'a, T: FlatFields>(
    ctx: &ContextSelectionSet<'a>,
    positioned: &'a Positioned<Field>,
    item: &T,
) -> Option<(Name, Value)> {
    let field = &positioned.node;
    if !field.arguments.is_empty() || !field.directives.is_empty() {
        return None;
    }
    let name = field.name.node.as_str();
    let value = if !field.selection_set.node.items.is_empty() {
        item.flat_object(ctx, positioned)?
    } else if name == "__typename" {
        Value::String(item.introspection_type_name().into_owned())
    } else {
        item.flat_field(ctx, name)?
    };
    Some((field.response_key().node.clone(), value))
}

/// The value of an object field (`field`, with its own selection) holding `item`, by the fast
/// path, for [`FlatFields::flat_object`].
pub fn nested<'a, T: FlatFields>(
    ctx: &ContextSelectionSet<'a>,
    field: &'a Positioned<Field>,
    item: Option<&T>,
) -> Option<Value> {
    match item {
        Some(item) => flat_value(&ctx.with_selection_set(&field.node.selection_set), item),
        None => Some(Value::Null),
    }
}

/// The value of a list field (`field`, with its own selection) holding `items`, by the fast
/// path, for [`FlatFields::flat_object`].
pub fn nested_list<'a, 'i, T: FlatFields + 'i>(
    ctx: &ContextSelectionSet<'a>,
    field: &'a Positioned<Field>,
    items: impl IntoIterator<Item = &'i T>,
) -> Option<Value> {
    let child = ctx.with_selection_set(&field.node.selection_set);
    items
        .into_iter()
        .map(|item| flat_value(&child, item))
        .collect::<Option<Vec<Value>>>()
        .map(Value::List)
}

impl<T: FlatFields> OutputType for Flat<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match flat_value(ctx, &self.0) {
            Some(value) => Ok(value),
            None => self.0.resolve(ctx, field).await,
        }
    }
}

impl<T: FlatFields> OutputType for FlatList<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let flat: Option<Vec<Value>> = self.0.iter().map(|item| flat_value(ctx, item)).collect();
        match flat {
            Some(values) => Ok(Value::List(values)),
            None => resolve_list(ctx, field, self.0.iter(), Some(self.0.len())).await,
        }
    }
}

impl<T> FromIterator<T> for FlatList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// A string as its field answers it.
pub fn text(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// An optional string as its field answers it.
pub fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, text)
}

/// Any scalar (an ID, a number, a time) as its field answers it.
pub fn scalar<S: ScalarType>(s: &S) -> Value {
    s.to_value()
}

/// An optional scalar as its field answers it.
pub fn opt_scalar<S: ScalarType>(s: Option<&S>) -> Value {
    s.map_or(Value::Null, ScalarType::to_value)
}

#[cfg(test)]
#[path = "flat_tests.rs"]
mod tests;
