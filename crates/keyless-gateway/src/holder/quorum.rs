//! Asking holders in parallel until `t` valid SaaS partials and the customer partial are in.

use super::{FragmentHolder, HolderError, HolderLabel};
use crate::error::{Error, FragmentFailureCause};
use futures::stream::{FuturesUnordered, StreamExt};
use keyless_fragments::{
    DerivedPartial, HolderId, ItemContext, ItemKey, PendingDerivation, Roster,
};
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What went wrong with one holder.
#[derive(Debug)]
#[non_exhaustive]
pub enum HolderProblem {
    /// It gave no partial (unreachable, an error status, an unusable answer).
    Failed(HolderError),
    /// Its partial failed the combiner's checks: a forged proof, another key or epoch, an
    /// invalid encoding, or another holder's id.
    Rejected(keyless_fragments::Error),
    /// It had not answered when the deadline passed.
    TimedOut,
}

impl HolderProblem {
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Self::Failed(error) => error.is_retryable(),
            Self::Rejected(_) => false,
            Self::TimedOut => true,
        }
    }

    /// The runbook cause this problem stands for.
    pub fn cause(&self) -> FragmentFailureCause {
        match self {
            Self::Failed(error) => error.cause,
            Self::Rejected(_) => FragmentFailureCause::InvalidAnswer,
            Self::TimedOut => FragmentFailureCause::Unreachable,
        }
    }
}

/// What happened, without the details: those are the [`std::error::Error::source`], so that
/// an error chain names each layer once. [`HolderReport`]'s `Display` adds them.
impl fmt::Display for HolderProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::Failed(_) => "the holder gave no partial",
            Self::Rejected(_) => "its partial was rejected",
            Self::TimedOut => "no answer before the deadline",
        })
    }
}

/// A problem is the source of [`crate::Error::CustomerPartialUnavailable`]; its own source is
/// the holder's error or the combiner's verdict.
impl std::error::Error for HolderProblem {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Failed(error) => Some(error),
            Self::Rejected(error) => Some(error),
            Self::TimedOut => None,
        }
    }
}

/// One holder that did not contribute, and why.
#[derive(Debug)]
#[non_exhaustive]
pub struct HolderReport {
    /// The holder's name.
    pub name: String,
    /// The holder's id.
    pub holder: HolderId,
    /// What went wrong.
    pub problem: HolderProblem,
}

/// The holder, the problem and its details: reports are listed in messages, not chained.
impl fmt::Display for HolderReport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: {}",
            HolderLabel(&self.name, self.holder),
            Detailed(&self.problem)
        )
    }
}

/// A problem with its details, for lists and logs (where there is no source chain).
struct Detailed<'a>(&'a HolderProblem);

impl fmt::Display for Detailed<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            HolderProblem::Failed(error) => write!(formatter, "failed: {error}"),
            HolderProblem::Rejected(error) => write!(formatter, "partial rejected: {error}"),
            HolderProblem::TimedOut => formatter.write_str("no answer before the deadline"),
        }
    }
}

/// A derived item key and the holders that did not contribute (worth a warning even though
/// the derivation succeeded).
#[derive(Debug)]
#[non_exhaustive]
pub struct QuorumOutcome {
    /// The item key.
    pub item_key: ItemKey,
    /// Holders that failed or were rejected before the quorum was complete.
    pub problems: Vec<HolderReport>,
}

/// Holder reports separated by `; `.
pub(crate) struct ReportList<'a>(pub(crate) &'a [HolderReport]);

impl fmt::Display for ReportList<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return formatter.write_str("no holder reported a problem");
        }
        for (index, report) in self.0.iter().enumerate() {
            if index > 0 {
                formatter.write_str("; ")?;
            }
            write!(formatter, "{report}")?;
        }
        Ok(())
    }
}

/// `; also <reports>`, or nothing when there are none.
pub(crate) fn others(problems: &[HolderReport]) -> String {
    if problems.is_empty() {
        String::new()
    } else {
        format!("; also {}", ReportList(problems))
    }
}

/// Asks a roster's holders for partials in parallel and derives item keys.
///
/// [`FragmentQuorum::derive`] sends one blinded request to every holder at once and combines
/// as soon as `t` SaaS partials and the customer partial verify. A partial whose proof fails
/// is set aside and the quorum waits for others; it gives up as soon as `t` valid SaaS
/// partials plus the customer partial can no longer be reached (or the deadline passes),
/// naming every holder that failed, was rejected or did not answer. Slow holders that are not
/// needed are not waited for: their requests are cancelled.
pub struct FragmentQuorum {
    roster: Roster,
    saas: Vec<Arc<dyn FragmentHolder>>,
    customer: Arc<dyn FragmentHolder>,
    deadline: Duration,
}

impl fmt::Debug for FragmentQuorum {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("FragmentQuorum")
            .field("threshold", &self.roster.threshold())
            .field(
                "saas",
                &self
                    .saas
                    .iter()
                    .map(|h| h.name().to_owned())
                    .collect::<Vec<_>>(),
            )
            .field("customer", &self.customer.name())
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl FragmentQuorum {
    /// A quorum over `holders` (SaaS holders and exactly one customer fragment holder) for the
    /// pinned `roster`, with a 5-second deadline.
    ///
    /// # Errors
    ///
    /// [`Error::QuorumMisconfigured`] when there is not exactly one customer holder, a SaaS
    /// holder's id is repeated or not in the roster, or there are fewer SaaS holders than the
    /// threshold.
    pub fn new(roster: Roster, holders: Vec<Arc<dyn FragmentHolder>>) -> Result<Self, Error> {
        let misconfigured = |reason: String| Error::QuorumMisconfigured { reason };
        let mut customer = None;
        let mut saas = Vec::new();
        let mut seen = HashSet::new();

        for holder in holders {
            let id = holder.holder_id();
            if !seen.insert(id) {
                return Err(misconfigured(format!("holder id {id} appears twice")));
            }
            if id.is_customer() {
                customer = Some(holder);
            } else if roster.public_share(id).is_none() {
                return Err(misconfigured(format!(
                    "holder {id} ({}) is not in the roster",
                    holder.name()
                )));
            } else {
                saas.push(holder);
            }
        }

        let customer =
            customer.ok_or_else(|| misconfigured("no customer fragment holder".to_owned()))?;
        let need = usize::from(roster.threshold().threshold());
        if saas.len() < need {
            return Err(misconfigured(format!(
                "{} SaaS holder(s) for a threshold of {need}",
                saas.len()
            )));
        }
        Ok(Self {
            roster,
            saas,
            customer,
            deadline: Duration::from_secs(5),
        })
    }

    /// How long [`Self::derive`] waits for holders in total.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The pinned roster.
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// Derives the item key of `context`.
    ///
    /// # Errors
    ///
    /// [`Error::CustomerPartialUnavailable`] when the customer holder fails, times out or
    /// sends a partial that does not verify; [`Error::NotEnoughPartials`] when fewer than `t`
    /// SaaS holders can still give a valid partial; [`Error::DerivationStart`] when the
    /// context names another key than the roster; [`Error::CombinePartials`] when the crypto
    /// core fails to combine valid partials.
    pub async fn derive(&self, context: &ItemContext) -> Result<QuorumOutcome, Error> {
        let pending = PendingDerivation::start(&self.roster, context)
            .map_err(|source| Error::DerivationStart { source })?;
        let request = *pending.request();
        let request_id = request_id();
        let need = usize::from(self.roster.threshold().threshold());
        let deadline = tokio::time::Instant::now() + self.deadline;

        let holders: Vec<Arc<dyn FragmentHolder>> = self
            .saas
            .iter()
            .cloned()
            .chain([Arc::clone(&self.customer)])
            .collect();
        let mut in_flight: FuturesUnordered<_> = holders
            .iter()
            .enumerate()
            .map(|(index, holder)| {
                let holder = Arc::clone(holder);
                let request_id = request_id.clone();
                async move { (index, holder.evaluate(&request, &request_id).await) }
            })
            .collect();

        let mut state = Gathering::new(holders.len(), need);
        loop {
            if let Some(outcome) = state.try_combine(&pending, &holders)? {
                return Ok(outcome);
            }
            state.check_feasible(&holders, false)?;

            match tokio::time::timeout_at(deadline, in_flight.next()).await {
                Ok(Some((index, answer))) => state.receive(index, answer, &holders),
                Ok(None) => {
                    // Every holder answered; the feasibility check above will fail.
                }
                Err(_elapsed) => {
                    state.time_out_outstanding();
                    state.check_feasible(&holders, true)?;
                }
            }
        }
    }

    /// [`Self::derive`], returning only the key; holders that did not contribute are logged
    /// as warnings.
    ///
    /// # Errors
    ///
    /// As [`Self::derive`].
    pub async fn derive_item_key(&self, context: &ItemContext) -> Result<ItemKey, Error> {
        let outcome = self.derive(context).await?;
        for report in &outcome.problems {
            tracing::warn!(
                holder = %report.holder,
                name = %report.name,
                problem = %Detailed(&report.problem),
                "fragment holder did not contribute"
            );
        }
        Ok(outcome.item_key)
    }
}

/// Where each holder stands during one derivation.
enum Standing {
    Waiting,
    /// A partial whose proof is not checked yet.
    Unverified(DerivedPartial),
    /// A partial whose proof verified as part of a combination attempt.
    Verified(DerivedPartial),
    Problem(HolderProblem),
}

struct Gathering {
    standing: Vec<Standing>,
    need: usize,
}

impl Gathering {
    fn new(holders: usize, need: usize) -> Self {
        Self {
            standing: (0..holders).map(|_| Standing::Waiting).collect(),
            need,
        }
    }

    /// The customer holder is the last one.
    fn customer_index(&self) -> usize {
        self.standing.len().saturating_sub(1)
    }

    fn receive(
        &mut self,
        index: usize,
        answer: Result<DerivedPartial, HolderError>,
        holders: &[Arc<dyn FragmentHolder>],
    ) {
        let Some(holder) = holders.get(index) else {
            return;
        };
        let standing = match answer {
            Err(error) => Standing::Problem(HolderProblem::Failed(error)),
            // A partial under another holder's id would be counted for that holder.
            Ok(partial) if partial.holder() != Some(holder.holder_id()) => Standing::Problem(
                HolderProblem::Rejected(keyless_fragments::Error::Malformed {
                    what: "derived partial",
                    reason: "it claims another holder's id",
                }),
            ),
            Ok(partial) => Standing::Unverified(partial),
        };
        if let Some(slot) = self.standing.get_mut(index) {
            *slot = standing;
        }
    }

    fn time_out_outstanding(&mut self) {
        for standing in &mut self.standing {
            if matches!(standing, Standing::Waiting) {
                *standing = Standing::Problem(HolderProblem::TimedOut);
            }
        }
    }

    /// Tries to combine once a customer partial and `t` SaaS partials (verified ones first)
    /// are at hand. A proof or encoding failure marks the holders named and returns `None` so
    /// the caller waits for more.
    fn try_combine(
        &mut self,
        pending: &PendingDerivation,
        holders: &[Arc<dyn FragmentHolder>],
    ) -> Result<Option<QuorumOutcome>, Error> {
        let customer_index = self.customer_index();
        let customer = match self.standing.get(customer_index) {
            Some(Standing::Unverified(partial) | Standing::Verified(partial)) => *partial,
            _ => return Ok(None),
        };

        let mut chosen: Vec<usize> = (0..customer_index)
            .filter(|&index| matches!(self.standing[index], Standing::Verified(_)))
            .collect();
        chosen.extend(
            (0..customer_index)
                .filter(|&index| matches!(self.standing[index], Standing::Unverified(_))),
        );
        if chosen.len() < self.need {
            return Ok(None);
        }
        chosen.truncate(self.need);

        let mut partials: Vec<DerivedPartial> = chosen
            .iter()
            .filter_map(|&index| match &self.standing[index] {
                Standing::Unverified(partial) | Standing::Verified(partial) => Some(*partial),
                _ => None,
            })
            .collect();
        partials.push(customer);

        // With exactly t SaaS partials the combiner checks every proof, so a failure names
        // every bad holder and the others are known good.
        match pending.finish(&partials) {
            Ok(item_key) => Ok(Some(QuorumOutcome {
                item_key,
                problems: self.take_problems(holders),
            })),
            Err(keyless_fragments::Error::InvalidProof { holders: bad }) => {
                self.settle(&chosen, &bad, holders, true, |_| {
                    keyless_fragments::Error::InvalidProof {
                        holders: Vec::new(),
                    }
                });
                Ok(None)
            }
            Err(error) => match blamed_holder(&error) {
                Some(bad) => {
                    let mut error = Some(error);
                    self.settle(&[], &[bad], holders, false, |_| {
                        error.take().unwrap_or(keyless_fragments::Error::Malformed {
                            what: "derived partial",
                            reason: "rejected",
                        })
                    });
                    Ok(None)
                }
                None => Err(Error::CombinePartials { source: error }),
            },
        }
    }

    /// Marks the holders in `bad` as rejected (with the error `reason` gives) and, when the
    /// proofs were checked, the other `chosen` SaaS holders and the customer as verified.
    fn settle(
        &mut self,
        chosen: &[usize],
        bad: &[HolderId],
        holders: &[Arc<dyn FragmentHolder>],
        proofs_checked: bool,
        mut reason: impl FnMut(HolderId) -> keyless_fragments::Error,
    ) {
        for (index, holder) in holders.iter().enumerate() {
            let id = holder.holder_id();
            let Some(slot) = self.standing.get_mut(index) else {
                continue;
            };
            if bad.contains(&id) {
                let error = match reason(id) {
                    keyless_fragments::Error::InvalidProof { .. } => {
                        keyless_fragments::Error::InvalidProof { holders: vec![id] }
                    }
                    other => other,
                };
                *slot = Standing::Problem(HolderProblem::Rejected(error));
            } else if proofs_checked
                && (chosen.contains(&index) || id.is_customer())
                && let Standing::Unverified(partial) = slot
            {
                *slot = Standing::Verified(*partial);
            }
        }
    }

    /// Fails when the customer partial is lost, or fewer than `t` SaaS holders can still
    /// give a valid partial.
    fn check_feasible(
        &mut self,
        holders: &[Arc<dyn FragmentHolder>],
        deadline_passed: bool,
    ) -> Result<(), Error> {
        let customer_index = self.customer_index();
        if matches!(
            self.standing.get(customer_index),
            Some(Standing::Problem(_))
        ) {
            let problem =
                match std::mem::replace(&mut self.standing[customer_index], Standing::Waiting) {
                    Standing::Problem(problem) => problem,
                    _ => HolderProblem::TimedOut,
                };
            let name = holders
                .get(customer_index)
                .map_or_else(String::new, |holder| holder.name().to_owned());
            return Err(Error::CustomerPartialUnavailable {
                holder: name,
                cause: problem.cause(),
                problem: Box::new(problem),
                problems: self.take_problems(holders),
            });
        }

        let reachable = self.standing[..customer_index]
            .iter()
            .filter(|standing| !matches!(standing, Standing::Problem(_)))
            .count();
        if reachable < self.need {
            let valid = self.standing[..customer_index]
                .iter()
                .filter(|standing| {
                    matches!(standing, Standing::Verified(_) | Standing::Unverified(_))
                })
                .count();
            return Err(Error::NotEnoughPartials {
                valid,
                need: self.need,
                deadline_passed,
                problems: self.take_problems(holders),
            });
        }
        Ok(())
    }

    fn take_problems(&mut self, holders: &[Arc<dyn FragmentHolder>]) -> Vec<HolderReport> {
        let mut reports = Vec::new();
        for (index, holder) in holders.iter().enumerate() {
            let Some(slot) = self.standing.get_mut(index) else {
                continue;
            };
            if matches!(slot, Standing::Problem(_))
                && let Standing::Problem(problem) = std::mem::replace(slot, Standing::Waiting)
            {
                reports.push(HolderReport {
                    name: holder.name().to_owned(),
                    holder: holder.holder_id(),
                    problem,
                });
            }
        }
        reports
    }
}

/// The holder a combiner error names, when it names one.
fn blamed_holder(error: &keyless_fragments::Error) -> Option<HolderId> {
    use keyless_fragments::Error as E;

    match error {
        E::InvalidElement { holder, .. }
        | E::InvalidScalar { holder, .. }
        | E::EpochMismatch { holder, .. }
        | E::KeyMismatch { holder, .. } => *holder,
        E::DuplicateHolderId { holder } | E::UnknownHolderId { holder } => Some(*holder),
        _ => None,
    }
}

/// 16 random bytes in hex; a constant when the system has no randomness (it only
/// correlates logs).
fn request_id() -> String {
    let mut bytes = [0_u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        return String::from("no-random-request-id");
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
