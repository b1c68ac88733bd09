//! The filters every listing of the API shares (order, states, creation time, page size and
//! paging token), checked and written once for all of them.

use time::OffsetDateTime;

use crate::error::InvalidInput;
use crate::model::format_time;
use crate::model::wire::wire_enum;

wire_enum! {
    /// A batch job type to list by (`type`).
    ///
    /// ```
    /// use cos_ci_batch::ops::{ListQuery, TypeFilter};
    ///
    /// let workflows = ListQuery::new().job_type(TypeFilter::Workflow);
    /// assert_eq!(workflows.job_type, Some(TypeFilter::Workflow));
    /// ```
    pub enum TypeFilter {
        /// `Type=Workflow` batch jobs.
        Workflow = "Workflow",
        /// `Type=Job` batch jobs.
        Job = "Job",
    }
}

wire_enum! {
    /// Sort order by creation time (`orderByTime`).
    ///
    /// ```
    /// use cos_ci_batch::ops::{ListQuery, Order};
    ///
    /// let oldest_first = ListQuery::new().order(Order::Asc);
    /// assert_eq!(oldest_first.filters.order, Some(Order::Asc));
    /// ```
    pub enum Order {
        /// Newest first (the service's default).
        Desc = "Desc",
        /// Oldest first.
        Asc = "Asc",
    }
}

wire_enum! {
    /// A state to list by (`states`): the documented states, and no other.
    ///
    /// ```
    /// use cos_ci_batch::ops::{ListQuery, StateFilter};
    ///
    /// let failures = ListQuery::new().states([StateFilter::Failed, StateFilter::Cancel]);
    /// assert_eq!(failures.filters.states.len(), 2);
    /// ```
    pub enum StateFilter {
        /// Accepted, not started.
        Submitted = "Submitted",
        /// Running.
        Running = "Running",
        /// Finished.
        Success = "Success",
        /// Finished with an error.
        Failed = "Failed",
        /// Held by a paused queue.
        Pause = "Pause",
        /// Cancelled.
        Cancel = "Cancel",
    }
}

/// The filters of every listing: only those set are sent.
///
/// ```
/// use cos_ci_batch::ops::{ListQuery, Order};
///
/// // Every query type sets these with the same builder methods.
/// let filters = ListQuery::new().order(Order::Asc).size(100).filters;
/// assert_eq!((filters.order, filters.size), (Some(Order::Asc), Some(100)));
/// assert!(filters.states.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListFilters {
    /// `orderByTime`.
    pub order: Option<Order>,
    /// `states`: any of these (empty: all).
    pub states: Vec<StateFilter>,
    /// `startCreationTime`: created at or after.
    pub created_after: Option<OffsetDateTime>,
    /// `endCreationTime`: created at or before.
    pub created_before: Option<OffsetDateTime>,
    /// `size`: entries per page, 1 to 100 (the service defaults to 10).
    pub size: Option<u32>,
    /// `nextToken`: the page after the one that returned it.
    pub next_token: Option<String>,
}

impl ListFilters {
    /// Appends the filters that are set, after checking them: a page size outside `1..=100`,
    /// a creation range that ends before it starts, and a creation time the service's format
    /// cannot carry ([`format_time`]) are refused.
    pub(crate) fn push_params(
        &self,
        params: &mut Vec<(&'static str, String)>,
    ) -> Result<(), InvalidInput> {
        if let (Some(after), Some(before)) = (self.created_after, self.created_before) {
            if after > before {
                return Err(InvalidInput::TimeIntervalReversed);
            }
        }
        if let Some(size) = self.size {
            if !(1..=100).contains(&size) {
                return Err(InvalidInput::PageSizeOutOfRange(size));
            }
        }
        let mut push = |name, value| push_set(params, name, value);
        push("orderByTime", self.order.map(|o| o.as_str().to_owned()));
        push(
            "states",
            (!self.states.is_empty()).then(|| {
                let names: Vec<&str> = self.states.iter().map(|s| s.as_str()).collect();
                names.join(",")
            }),
        );
        push(
            "startCreationTime",
            self.created_after.map(format_time).transpose()?,
        );
        push(
            "endCreationTime",
            self.created_before.map(format_time).transpose()?,
        );
        push("size", self.size.map(|s| s.to_string()));
        push("nextToken", self.next_token.clone());
        Ok(())
    }
}

/// Appends `name=value` when the value is set.
pub(crate) fn push_set(
    params: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<String>,
) {
    if let Some(value) = value {
        params.push((name, value));
    }
}

/// The builder methods of the shared filters, for a query struct with a `filters` field.
macro_rules! filter_setters {
    () => {
        /// Sort order by creation time.
        pub fn order(mut self, order: $crate::ops::Order) -> Self {
            self.filters.order = Some(order);
            self
        }

        /// Only entries in one of these states.
        pub fn states(
            mut self,
            states: impl IntoIterator<Item = $crate::ops::StateFilter>,
        ) -> Self {
            self.filters.states = states.into_iter().collect();
            self
        }

        /// Only entries created within `[after, before]`.
        pub fn created_between(
            mut self,
            after: time::OffsetDateTime,
            before: time::OffsetDateTime,
        ) -> Self {
            self.filters.created_after = Some(after);
            self.filters.created_before = Some(before);
            self
        }

        /// Entries per page, 1 to 100.
        pub fn size(mut self, size: u32) -> Self {
            self.filters.size = Some(size);
            self
        }

        /// Continue after the page that returned `token`.
        pub fn next_token(mut self, token: impl Into<String>) -> Self {
            self.filters.next_token = Some(token.into());
            self
        }
    };
}

pub(crate) use filter_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_outside_1_to_100_are_refused() {
        for size in [0, 101, 1000] {
            let filters = ListFilters {
                size: Some(size),
                ..ListFilters::default()
            };
            assert_eq!(
                filters.push_params(&mut Vec::new()),
                Err(InvalidInput::PageSizeOutOfRange(size))
            );
        }
        for size in [1, 100] {
            let filters = ListFilters {
                size: Some(size),
                ..ListFilters::default()
            };
            assert!(filters.push_params(&mut Vec::new()).is_ok());
        }
    }
}
