//! Fragment holders and the quorum that gathers their partials into an item key.
//!
//! A [`FragmentHolder`] evaluates a blinded request with one fragment: a SaaS share or the
//! customer fragment. [`HttpFragmentHolder`] speaks the derived-key protocol to a remote
//! service (the customer fragment service on the CipherTrust Manager VM);
//! [`InProcessHolder`] evaluates with a fragment held in this process. A [`FragmentQuorum`]
//! asks its holders in parallel and derives the item key as soon as `t` valid SaaS partials
//! and a valid customer partial are in.
//!
//! # Example
//!
//! ```
//! use keyless_fragments::{
//!     CustomerFragment, ItemContext, KeyId, KeyVersion, Roster, Threshold, deal_saas_shares,
//! };
//! use keyless_gateway::holder::{FragmentHolder, FragmentQuorum, InProcessHolder};
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key_id = KeyId::generate()?;
//! let version = KeyVersion::new(1);
//! let dealing = deal_saas_shares(key_id, version, Threshold::new(2, 3)?)?;
//! let customer = CustomerFragment::generate(key_id, version)?;
//! let roster = Roster::new(&dealing.commitments, customer.public_share())?;
//!
//! // In production the customer holder is an HttpFragmentHolder pointing at the fragment
//! // service on the CipherTrust Manager VM.
//! let mut holders: Vec<Arc<dyn FragmentHolder>> = dealing
//!     .shares
//!     .into_iter()
//!     .map(|share| Arc::new(InProcessHolder::saas(share)) as Arc<dyn FragmentHolder>)
//!     .collect();
//! holders.push(Arc::new(InProcessHolder::customer(customer)));
//!
//! let quorum = FragmentQuorum::new(roster, holders)?.with_deadline(Duration::from_secs(2));
//! let context = ItemContext::new(key_id, version, "/mdapi/billing/db-password", 1)?;
//! let item_key = quorum.derive_item_key(&context).await?;
//! let sealed = item_key.seal(b"s3cr3t")?;
//! # assert_eq!(secrecy::ExposeSecret::expose_secret(&item_key.open(&sealed)?), b"s3cr3t");
//! # Ok(())
//! # }
//! ```

mod http;
mod in_process;
mod quorum;

pub use http::{HttpFragmentHolder, HttpFragmentHolderBuilder};
pub use in_process::InProcessHolder;
pub use quorum::{FragmentQuorum, HolderProblem, HolderReport, QuorumOutcome};

pub(crate) use quorum::{ReportList, others};

use crate::error::{BoxError, FragmentFailureCause};
use async_trait::async_trait;
use keyless_fragments::{BlindedRequest, DerivedPartial, HolderId};
use std::fmt;

/// Something that holds one fragment and answers blinded requests with a partial.
///
/// Object safe: quorums hold `Arc<dyn FragmentHolder>`.
#[async_trait]
pub trait FragmentHolder: Send + Sync {
    /// The id the holder answers as: `1..=n` for SaaS holders, [`HolderId::CUSTOMER`] for the
    /// customer fragment.
    fn holder_id(&self) -> HolderId;

    /// A name for errors and logs (a URL or a label); never a secret.
    fn name(&self) -> &str;

    /// Evaluates `request` with the holder's fragment. `request_id` correlates logs on both
    /// sides and is opaque.
    async fn evaluate(
        &self,
        request: &BlindedRequest,
        request_id: &str,
    ) -> Result<DerivedPartial, HolderError>;
}

/// Why a holder gave no partial.
#[derive(Debug, thiserror::Error)]
#[error("{cause}{}: {detail}", status_suffix(*.status))]
#[non_exhaustive]
pub struct HolderError {
    /// The cause, as the runbook distinguishes them.
    pub cause: FragmentFailureCause,
    /// The HTTP status, for HTTP holders that answered.
    pub status: Option<u16>,
    /// What happened, in words (the service's message, or what was wrong with its answer).
    pub detail: String,
    /// The underlying error, if any.
    #[source]
    pub source: Option<BoxError>,
}

impl HolderError {
    /// An error with `cause` and `detail`.
    pub fn new(cause: FragmentFailureCause, detail: impl Into<String>) -> Self {
        Self {
            cause,
            status: None,
            detail: detail.into(),
            source: None,
        }
    }

    /// Adds the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds the underlying error.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Whether asking again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.cause,
            FragmentFailureCause::Unreachable
                | FragmentFailureCause::ServiceFailure
                | FragmentFailureCause::RateLimited
        )
    }
}

fn status_suffix(status: Option<u16>) -> String {
    status.map_or_else(String::new, |status| format!(" (HTTP {status})"))
}

/// A holder's display form: its name and id.
pub(crate) struct HolderLabel<'a>(pub(crate) &'a str, pub(crate) HolderId);

impl fmt::Display for HolderLabel<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.1.is_customer() {
            write!(formatter, "customer fragment holder {}", self.0)
        } else {
            write!(formatter, "holder {} ({})", self.1, self.0)
        }
    }
}
