//! The derivation protocol: blinding, holder evaluation with a DLEQ proof, and combining.

use core::fmt;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, MultiscalarMul};
use secrecy::{ExposeSecret, SecretBox};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::codec::{Reader, concat_fixed};
use crate::context::ItemContext;
use crate::envelope::{ItemKey, KeyCheck};
use crate::error::{Error, Result};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::ids::{Epoch, HolderId, KeyId, KeyVersion, decode_base64_exact};
use crate::keys::{CustomerFragment, Roster, SaasShare, SecretScalar, check_epoch, check_key};
use crate::suite::{
    self, BlindedTables, Element, Proof, ProofCheck, VOPRF, VerifyingKey, decode_scalar,
    generate_proof, hash_to_group, random_nonzero_scalar, verify_proofs,
};

/// Length of an encoded [`DerivedPartial`].
pub const PARTIAL_LEN: usize = 124;
/// Length of an encoded [`BlindedElement`].
pub const BLINDED_ELEMENT_LEN: usize = 32;

const PARTIAL_VERSION: u8 = 0x01;
const PARTIAL_SUITE: u8 = 0x01;

/// The blinded OPRF input `B = r * H1(ctx)` that holders evaluate. Uniformly random to the
/// holder: it reveals nothing about the item.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BlindedElement(Element);

impl BlindedElement {
    /// The 32-byte wire form.
    pub fn to_bytes(&self) -> [u8; BLINDED_ELEMENT_LEN] {
        self.0.encoding
    }

    /// Decodes the 32-byte wire form: exact length, canonical, not the identity.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Element::decode_slice(bytes, "blinded element").map(Self)
    }

    /// Standard base64 of the wire form, as the derived-key protocol's `blinded` field.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0.encoding)
    }

    /// Decodes the `blinded` field of the derived-key protocol.
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = decode_base64_exact::<BLINDED_ELEMENT_LEN>(text, "blinded element")?;
        Self::from_bytes(&bytes)
    }
}

impl fmt::Debug for BlindedElement {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "BlindedElement({})",
            hex_prefix(&self.0.encoding)
        )
    }
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect::<String>()
        + ".."
}

/// What a combiner sends to every holder: which key, version and epoch, and the blinded
/// element. The derived-key protocol carries these as JSON fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlindedRequest {
    key_id: KeyId,
    key_version: KeyVersion,
    epoch: Epoch,
    blinded: BlindedElement,
}

impl BlindedRequest {
    /// Assembles a request received over the wire.
    pub fn new(
        key_id: KeyId,
        key_version: KeyVersion,
        epoch: Epoch,
        blinded: BlindedElement,
    ) -> Self {
        Self {
            key_id,
            key_version,
            epoch,
            blinded,
        }
    }

    /// The key to evaluate under.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The key version to evaluate under.
    pub fn key_version(&self) -> KeyVersion {
        self.key_version
    }

    /// The epoch of the roster the combiner pinned.
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    /// The blinded element.
    pub fn blinded(&self) -> &BlindedElement {
        &self.blinded
    }
}

/// A holder's answer: `Z_i = k_i * B` with an RFC 9497 DLEQ proof that
/// `log_G(PK_i) = log_B(Z_i)`, in a fixed 124-byte layout (big-endian integers):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 1 | version `0x01` |
/// | 1 | 1 | suite `0x01` (ristretto255-SHA512 VOPRF) |
/// | 2 | 2 | holder id (`0xFFFF` for the customer fragment) |
/// | 4 | 16 | key id |
/// | 20 | 4 | key version |
/// | 24 | 4 | epoch |
/// | 28 | 32 | evaluated element `Z_i` |
/// | 60 | 32 | proof scalar `c` |
/// | 92 | 32 | proof scalar `s` |
///
/// [`DerivedPartial::from_bytes`] checks only the length, version and suite; the combiner
/// checks everything else in a fixed order and names the holder whose partial failed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DerivedPartial {
    holder: u16,
    key_id: KeyId,
    key_version: KeyVersion,
    epoch: Epoch,
    evaluated: [u8; 32],
    proof_c: [u8; 32],
    proof_s: [u8; 32],
}

impl DerivedPartial {
    /// The 124-byte wire form.
    pub fn to_bytes(&self) -> [u8; PARTIAL_LEN] {
        concat_fixed(&[
            &[PARTIAL_VERSION],
            &[PARTIAL_SUITE],
            &self.holder.to_be_bytes(),
            self.key_id.as_bytes(),
            &self.key_version.get().to_be_bytes(),
            &self.epoch.get().to_be_bytes(),
            &self.evaluated,
            &self.proof_c,
            &self.proof_s,
        ])
    }

    /// Parses the 124-byte wire form: any other length, an unknown version or an unknown suite
    /// is rejected. Element, scalars, ids and the proof are checked by the combiner.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bytes: &[u8; PARTIAL_LEN] = bytes.try_into().map_err(|_| Error::MalformedLength {
            what: "derived partial",
            expected: PARTIAL_LEN,
            found: bytes.len(),
        })?;
        let mut reader = Reader::new(bytes);
        let version = reader.byte();
        let suite = reader.byte();
        if version != PARTIAL_VERSION {
            return Err(Error::Unsupported {
                what: "derived partial",
                field: "version",
                value: version.into(),
            });
        }
        if suite != PARTIAL_SUITE {
            return Err(Error::Unsupported {
                what: "derived partial",
                field: "suite",
                value: suite.into(),
            });
        }
        Ok(Self {
            holder: reader.u16(),
            key_id: KeyId::from_bytes(reader.array()),
            key_version: KeyVersion::new(reader.u32()),
            epoch: Epoch::new(reader.u32()),
            evaluated: reader.array(),
            proof_c: reader.array(),
            proof_s: reader.array(),
        })
    }

    /// Standard base64 of the wire form, as the derived-key protocol's `partial` field.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.to_bytes())
    }

    /// Decodes the `partial` field of the derived-key protocol (see [`Self::from_bytes`]).
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = decode_base64_exact::<PARTIAL_LEN>(text, "derived partial")?;
        Self::from_bytes(&bytes)
    }

    /// The holder id the partial claims, `None` if it is the reserved zero.
    pub fn holder(&self) -> Option<HolderId> {
        HolderId::new(self.holder).ok()
    }

    /// The key id the partial claims.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The key version the partial claims.
    pub fn key_version(&self) -> KeyVersion {
        self.key_version
    }

    /// The epoch the partial claims.
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }
}

impl fmt::Debug for DerivedPartial {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("DerivedPartial")
            .field("holder", &self.holder)
            .field("key_id", &self.key_id)
            .field("key_version", &self.key_version)
            .field("epoch", &self.epoch)
            .field("evaluated", &hex_prefix(&self.evaluated))
            .finish_non_exhaustive()
    }
}

/// The holder-side evaluation shared by SaaS shares and the customer fragment.
fn evaluate_with(
    secret: &Scalar,
    key: &VerifyingKey,
    holder: HolderId,
    request: &BlindedRequest,
    epoch: Epoch,
) -> Result<DerivedPartial> {
    let blinded = &request.blinded.0;
    let evaluated = Element::from_point(secret * blinded.point);
    let nonce = random_nonzero_scalar()?;
    let proof = generate_proof(&VOPRF, secret, key, &[(blinded, &evaluated)], &nonce);
    Ok(DerivedPartial {
        holder: holder.get(),
        key_id: request.key_id,
        key_version: request.key_version,
        epoch,
        evaluated: evaluated.encoding,
        proof_c: proof.c.to_bytes(),
        proof_s: proof.s.to_bytes(),
    })
}

impl SaasShare {
    /// Evaluates the blinded element with this share and proves it (holder side).
    ///
    /// Refuses requests for another key, key version or epoch, so a stale combiner learns that
    /// its roster is out of date instead of receiving a partial it will reject.
    pub fn evaluate(&self, request: &BlindedRequest) -> Result<DerivedPartial> {
        check_key(
            self.key_id(),
            self.key_version(),
            request.key_id,
            request.key_version,
            "request",
        )?;
        check_epoch(self.epoch(), request.epoch, "request")?;
        evaluate_with(
            self.secret(),
            self.verifying_key(),
            self.holder(),
            request,
            self.epoch(),
        )
    }
}

impl CustomerFragment {
    /// Evaluates the blinded element with the customer fragment and proves it.
    ///
    /// The partial answers as [`HolderId::CUSTOMER`] and echoes the request's epoch: the
    /// customer fragment does not change on refresh, so any epoch is served; the combiner
    /// still checks the echoed epoch against its roster.
    pub fn evaluate(&self, request: &BlindedRequest) -> Result<DerivedPartial> {
        check_key(
            self.key_id(),
            self.key_version(),
            request.key_id,
            request.key_version,
            "request",
        )?;
        evaluate_with(
            self.secret(),
            self.verifying_key(),
            HolderId::CUSTOMER,
            request,
            request.epoch,
        )
    }
}

/// A partial that passed the cheap checks and decoded; its proof is not yet verified.
struct Candidate {
    holder: HolderId,
    evaluated: Element,
    proof: Proof,
}

/// The combiner's state between [`PendingDerivation::start`] and `finish`: the pinned roster,
/// the item context and the secret blind `r` (with `r^-1`), wiped on drop.
///
/// `finish` takes `&self`, so a combiner that got too few partials can ask more holders with
/// the same request and finish again.
pub struct PendingDerivation {
    roster: Roster,
    context: ItemContext,
    blind_inverse: SecretBox<SecretScalar>,
    blinded: Element,
    request: BlindedRequest,
}

impl fmt::Debug for PendingDerivation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("PendingDerivation")
            .field("context", &self.context)
            .field("request", &self.request)
            .field("blind", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl PendingDerivation {
    /// Hashes the context to the group and blinds it with a fresh random `r`.
    ///
    /// The context must name the roster's key and key version.
    pub fn start(roster: &Roster, context: &ItemContext) -> Result<Self> {
        check_key(
            roster.key_id(),
            roster.key_version(),
            context.key_id(),
            context.key_version(),
            "item context",
        )?;
        let input = hash_to_group(&VOPRF, &[context.as_bytes()]);
        if input.is_identity() {
            return Err(Error::InvalidContext {
                reason: "it hashes to the identity element",
            });
        }

        let blind = random_nonzero_scalar()?;
        let mut blinded_point = *blind * input;
        let blinded = Element::from_point(blinded_point);
        blinded_point.zeroize();
        let blind_inverse =
            SecretBox::init_with_mut(|slot: &mut SecretScalar| slot.0 = blind.invert());

        let request = BlindedRequest {
            key_id: roster.key_id(),
            key_version: roster.key_version(),
            epoch: roster.epoch(),
            blinded: BlindedElement(blinded),
        };
        Ok(Self {
            roster: roster.clone(),
            context: context.clone(),
            blind_inverse,
            blinded,
            request,
        })
    }

    /// The request to send to the SaaS holders and the customer fragment service.
    pub fn request(&self) -> &BlindedRequest {
        &self.request
    }

    /// The item context being derived.
    pub fn context(&self) -> &ItemContext {
        &self.context
    }

    /// Checks every partial, combines `t` SaaS partials with the customer partial and derives
    /// the item key.
    ///
    /// The checks run in this order, cheap before expensive, and stop at the first failure:
    /// key id, key version and epoch of every partial; holder id (not zero, listed in the
    /// roster, not repeated); enough SaaS partials and a customer partial; canonical, non-identity
    /// element and canonical proof scalars; then DLEQ proofs. A partial whose proof fails is set
    /// aside; if `t` valid SaaS partials and a valid customer partial remain the derivation
    /// succeeds, otherwise [`Error::InvalidProof`] names every holder whose proof failed.
    pub fn finish(&self, partials: &[DerivedPartial]) -> Result<ItemKey> {
        let (customer, saas) = self.screen(partials)?;
        let (customer, saas) = self.verified(customer, saas)?;
        self.combine(&customer, &saas)
    }

    /// Like [`finish`](Self::finish) but skips the proofs while the result matches: combines the
    /// `t` lowest-id SaaS partials and the customer partial, and accepts the key if its key
    /// check equals `expected` (taken from the envelope to open). On a mismatch it falls back
    /// to the full verified path, which names any cheating holder and uses the others.
    ///
    /// If even the verified key does not match, the envelope does not belong to this item and
    /// the result is [`Error::Decrypt`].
    pub fn finish_optimistic(
        &self,
        partials: &[DerivedPartial],
        expected: &KeyCheck,
    ) -> Result<ItemKey> {
        let (customer, saas) = self.screen(partials)?;
        let threshold = usize::from(self.roster.threshold().threshold());
        let chosen = saas.get(..threshold).unwrap_or(&saas);
        let key = self.combine(&customer, chosen)?;
        if key.key_check().ct_eq(expected).into() {
            return Ok(key);
        }

        let (customer, saas) = self.verified(customer, saas)?;
        let key = self.combine(&customer, &saas)?;
        if key.key_check().ct_eq(expected).into() {
            Ok(key)
        } else {
            Err(Error::Decrypt)
        }
    }

    /// Steps a to c of the checks: everything but the proofs. Returns the customer candidate
    /// and the SaaS candidates sorted by holder id.
    fn screen(&self, partials: &[DerivedPartial]) -> Result<(Candidate, Vec<Candidate>)> {
        let roster = &self.roster;

        let mut holders = Vec::with_capacity(partials.len());
        for partial in partials {
            let claimed = partial.holder();
            check_key(
                roster.key_id(),
                roster.key_version(),
                partial.key_id,
                partial.key_version,
                "derived partial",
            )
            .map_err(|error| with_holder(error, claimed))?;
            check_epoch(roster.epoch(), partial.epoch, "derived partial")
                .map_err(|error| with_holder(error, claimed))?;
            let holder = claimed.ok_or(Error::ZeroHolderId)?;
            if holders.contains(&holder) {
                return Err(Error::DuplicateHolderId { holder });
            }
            if !holder.is_customer() && roster.saas_key(holder).is_none() {
                return Err(Error::UnknownHolderId { holder });
            }
            holders.push(holder);
        }

        let saas_count = holders
            .iter()
            .filter(|holder| !holder.is_customer())
            .count();
        let need = usize::from(roster.threshold().threshold());
        if !holders.iter().any(|holder| holder.is_customer()) {
            return Err(Error::MissingCustomerFragment);
        }
        if saas_count < need {
            return Err(Error::InsufficientPartials {
                have: saas_count,
                need,
            });
        }

        let mut customer = None;
        let mut saas = Vec::with_capacity(saas_count);
        for (partial, holder) in partials.iter().zip(holders) {
            let candidate = decode_candidate(partial, holder)?;
            if holder.is_customer() {
                customer = Some(candidate);
            } else {
                saas.push(candidate);
            }
        }
        saas.sort_by_key(|candidate| candidate.holder);
        let customer = customer.ok_or(Error::MissingCustomerFragment)?;
        Ok((customer, saas))
    }

    /// Step d: verifies the customer partial and SaaS partials in id order until `t` are
    /// valid.
    ///
    /// The customer partial and the first `t` SaaS partials, all an honest run needs, are
    /// checked in one batch (their transcripts share one field inversion); the others only
    /// replace partials that failed, one at a time. A forged proof whose transcript holds the
    /// identity makes its whole batch encode point by point: the result stays exact, at the
    /// cost of about a dozen point compressions.
    fn verified(
        &self,
        customer: Candidate,
        saas: Vec<Candidate>,
    ) -> Result<(Candidate, Vec<Candidate>)> {
        let roster = &self.roster;
        let need = usize::from(roster.threshold().threshold());
        let blinded = BlindedTables::new(&[self.blinded]);
        let saas_key = |candidate: &Candidate| {
            roster
                .saas_key(candidate.holder)
                .ok_or(Error::UnknownHolderId {
                    holder: candidate.holder,
                })
        };

        let mut saas = saas.into_iter();
        let first: Vec<Candidate> = saas.by_ref().take(need).collect();
        let mut checks = vec![proof_check(roster.customer_key(), &customer)];
        for candidate in &first {
            checks.push(proof_check(saas_key(candidate)?, candidate));
        }
        let results = verify_proofs(&VOPRF, &blinded, &checks);

        let mut invalid = Vec::new();
        let mut results = results.into_iter().map(bool::from);
        let customer_valid = results.next().unwrap_or(false);
        if !customer_valid {
            invalid.push(customer.holder);
        }
        let mut valid = Vec::with_capacity(need);
        for (candidate, holds) in first.into_iter().zip(results) {
            if holds {
                valid.push(candidate);
            } else {
                invalid.push(candidate.holder);
            }
        }

        for candidate in saas {
            if valid.len() == need {
                break;
            }
            let check = proof_check(saas_key(&candidate)?, &candidate);
            if verify_proofs(&VOPRF, &blinded, &[check])
                .iter()
                .all(|holds| bool::from(*holds))
            {
                valid.push(candidate);
            } else {
                invalid.push(candidate.holder);
            }
        }

        if !invalid.is_empty() && (!customer_valid || valid.len() < need) {
            return Err(Error::InvalidProof { holders: invalid });
        }
        if valid.len() < need {
            return Err(Error::InsufficientPartials {
                have: valid.len(),
                need,
            });
        }
        Ok((customer, valid))
    }

    /// Steps f and g: Lagrange-combines exactly `t` SaaS partials with the customer partial,
    /// unblinds, finalizes and derives the item key.
    fn combine(&self, customer: &Candidate, saas: &[Candidate]) -> Result<ItemKey> {
        let need = usize::from(self.roster.threshold().threshold());
        let chosen = saas.get(..need).ok_or(Error::InsufficientPartials {
            have: saas.len(),
            need,
        })?;
        let holders: Vec<HolderId> = chosen.iter().map(|candidate| candidate.holder).collect();
        let lambdas = self.roster.lagrange(&holders)?;

        // N = r^-1 * (sum lambda_i * Z_i + Z_C), folded into one constant-time multiscalar
        // multiplication because the weights r^-1 * lambda_i are secret.
        let blind_inverse = &self.blind_inverse.expose_secret().0;
        let mut weights: Zeroizing<Vec<Scalar>> = Zeroizing::new(
            lambdas
                .iter()
                .map(|lambda| lambda * blind_inverse)
                .collect(),
        );
        weights.push(*blind_inverse);
        let points = chosen
            .iter()
            .map(|candidate| candidate.evaluated.point)
            .chain([customer.evaluated.point]);
        let mut unblinded = RistrettoPoint::multiscalar_mul(weights.iter(), points);
        if unblinded.is_identity() {
            return Err(Error::InvalidElement {
                what: "combined element",
                holder: None,
            });
        }
        let encoded = Zeroizing::new(unblinded.compress().to_bytes());
        unblinded.zeroize();

        let output = suite::finalize(self.context.as_bytes(), &encoded)?;
        ItemKey::derive(&self.context, &output)
    }
}

/// The check of `candidate`'s proof against the key it claims.
fn proof_check<'a>(key: &'a VerifyingKey, candidate: &'a Candidate) -> ProofCheck<'a> {
    ProofCheck {
        key,
        evaluated: std::slice::from_ref(&candidate.evaluated),
        proof: &candidate.proof,
    }
}

/// Names the holder in a key or epoch mismatch found in its partial.
fn with_holder(error: Error, claimed: Option<HolderId>) -> Error {
    match error {
        Error::KeyMismatch {
            what,
            expected_key,
            expected_version,
            found_key,
            found_version,
            ..
        } => Error::KeyMismatch {
            what,
            holder: claimed,
            expected_key,
            expected_version,
            found_key,
            found_version,
        },
        Error::EpochMismatch {
            what,
            expected,
            found,
            ..
        } => Error::EpochMismatch {
            what,
            holder: claimed,
            expected,
            found,
        },
        other => other,
    }
}

fn decode_candidate(partial: &DerivedPartial, holder: HolderId) -> Result<Candidate> {
    let evaluated = Element::decode(partial.evaluated).ok_or(Error::InvalidElement {
        what: "evaluated element",
        holder: Some(holder),
    })?;
    let c = decode_scalar(partial.proof_c).ok_or(Error::InvalidScalar {
        what: "proof scalar c",
        holder: Some(holder),
    })?;
    let s = decode_scalar(partial.proof_s).ok_or(Error::InvalidScalar {
        what: "proof scalar s",
        holder: Some(holder),
    })?;
    Ok(Candidate {
        holder,
        evaluated,
        proof: Proof { c, s },
    })
}

/// Lagrange coefficients at zero for distinct SaaS holder ids:
/// `lambda_i = prod_{j != i} x_j / (x_j - x_i)`, with one batched inversion. Ids are public.
///
/// A repeated id would make a denominator zero, and a naive loop would then either divide by
/// zero (`invert(0) = 0` silently) or count one holder twice. The caller already rejected
/// duplicates; the check is repeated here because this is where it matters.
pub(crate) fn lagrange_at_zero(holders: &[HolderId]) -> Result<Vec<Scalar>> {
    for (index, holder) in holders.iter().enumerate() {
        if holders.iter().skip(index + 1).any(|other| other == holder) {
            return Err(Error::DuplicateHolderId { holder: *holder });
        }
    }

    let ids: Vec<Scalar> = holders
        .iter()
        .map(|holder| Scalar::from(holder.get()))
        .collect();
    let mut numerators = Vec::with_capacity(ids.len());
    let mut denominators = Vec::with_capacity(ids.len());
    for (i, x_i) in ids.iter().enumerate() {
        let mut numerator = Scalar::ONE;
        let mut denominator = Scalar::ONE;
        for (j, x_j) in ids.iter().enumerate() {
            if i != j {
                numerator *= x_j;
                denominator *= x_j - x_i;
            }
        }
        numerators.push(numerator);
        denominators.push(denominator);
    }

    // Distinct ids below the group order give non-zero denominators, so the batch inversion
    // (which panics on zero) cannot fail; the guard keeps that true whatever the input.
    if denominators.contains(&Scalar::ZERO) {
        return Err(Error::InvalidScalar {
            what: "Lagrange denominator",
            holder: None,
        });
    }
    Scalar::invert_batch_alloc(&mut denominators);
    Ok(numerators
        .iter()
        .zip(&denominators)
        .map(|(n, d)| n * d)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(values: &[u16]) -> Vec<HolderId> {
        values
            .iter()
            .map(|value| HolderId::new(*value).unwrap())
            .collect()
    }

    #[test]
    fn lagrange_coefficients_interpolate_at_zero() {
        // f(x) = 5 + 3x + 2x^2; any three points give f(0) = 5.
        let f = |x: u64| Scalar::from(5 + 3 * x + 2 * x * x);
        for subset in [[1u16, 2, 3], [2, 4, 7], [9, 1, 5]] {
            let lambdas = lagrange_at_zero(&ids(&subset)).unwrap();
            let at_zero: Scalar = subset
                .iter()
                .zip(&lambdas)
                .map(|(x, lambda)| f(u64::from(*x)) * lambda)
                .sum();
            assert_eq!(at_zero, Scalar::from(5u8));
        }
    }

    #[test]
    fn lagrange_rejects_duplicate_ids_before_any_arithmetic() {
        let error = lagrange_at_zero(&ids(&[1, 1, 2])).unwrap_err();
        assert!(matches!(error, Error::DuplicateHolderId { holder } if holder.get() == 1));
    }
}
