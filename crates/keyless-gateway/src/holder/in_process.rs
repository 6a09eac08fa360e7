//! A holder whose fragment lives in this process.

use super::{FragmentHolder, HolderError};
use crate::error::FragmentFailureCause;
use async_trait::async_trait;
use keyless_fragments::{BlindedRequest, CustomerFragment, DerivedPartial, HolderId, SaasShare};
use std::fmt;

enum Fragment {
    Saas(SaasShare),
    Customer(CustomerFragment),
}

/// Evaluates with a SaaS share or the customer fragment held in memory: the holder side of a
/// service that has the fragment, and the stand-in for remote holders in tests.
pub struct InProcessHolder {
    name: String,
    holder: HolderId,
    fragment: Fragment,
}

impl InProcessHolder {
    /// A holder of `share`, named `saas-<id>`.
    pub fn saas(share: SaasShare) -> Self {
        let holder = share.holder();
        Self {
            name: format!("saas-{holder}"),
            holder,
            fragment: Fragment::Saas(share),
        }
    }

    /// A holder of the customer fragment, named `customer`.
    pub fn customer(fragment: CustomerFragment) -> Self {
        Self {
            name: String::from("customer"),
            holder: HolderId::CUSTOMER,
            fragment: Fragment::Customer(fragment),
        }
    }

    /// Renames the holder (for errors and logs).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

impl fmt::Debug for InProcessHolder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("InProcessHolder")
            .field("name", &self.name)
            .field("holder", &self.holder)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl FragmentHolder for InProcessHolder {
    fn holder_id(&self) -> HolderId {
        self.holder
    }

    fn name(&self) -> &str {
        &self.name
    }

    async fn evaluate(
        &self,
        request: &BlindedRequest,
        _request_id: &str,
    ) -> Result<DerivedPartial, HolderError> {
        let evaluated = match &self.fragment {
            Fragment::Saas(share) => share.evaluate(request),
            Fragment::Customer(fragment) => fragment.evaluate(request),
        };
        evaluated.map_err(|error| {
            let cause = match &error {
                keyless_fragments::Error::EpochMismatch { .. } => FragmentFailureCause::StaleEpoch,
                keyless_fragments::Error::KeyMismatch { .. } => FragmentFailureCause::UnknownKey,
                _ => FragmentFailureCause::ServiceFailure,
            };
            HolderError::new(cause, "the fragment refused to evaluate").with_source(error)
        })
    }
}
