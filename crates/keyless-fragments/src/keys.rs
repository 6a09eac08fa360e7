//! Key material: the dealer's SaaS shares, the customer fragment, and the pinned roster.
//!
//! The effective OPRF key is `k = k_S + k_C`. `k_S` is Shamir-shared `t`-of-`n` among the SaaS
//! holders by a dealer ([`deal_saas_shares`]); `k_C` is generated on the customer side
//! ([`CustomerFragment::generate`]) and only its public share `k_C * G` leaves it. A
//! [`Roster`] pins everything a combiner needs to verify partials.

use core::fmt;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, IsIdentity, VartimeMultiscalarMul};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::ids::{
    Epoch, HolderId, KeyId, KeyVersion, Threshold, decode_base64_exact, decode_base64_into,
};
use crate::suite::{Element, VerifyingKey, decode_scalar, fill_random, random_scalar_with};

/// Format version written into serialised shares, fragments and rosters.
const SERIAL_VERSION: u8 = 1;
/// Suite id written into serialised objects (ristretto255-SHA512 VOPRF).
const SERIAL_SUITE: u8 = 1;

/// A secret scalar: wiped when dropped, never `Copy`, never printed.
#[derive(Default)]
pub(crate) struct SecretScalar(pub(crate) Scalar);

impl Zeroize for SecretScalar {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

pub(crate) type BoxedScalar = SecretBox<SecretScalar>;

fn boxed_scalar(scalar: &Scalar) -> BoxedScalar {
    SecretBox::init_with_mut(|slot: &mut SecretScalar| slot.0 = *scalar)
}

fn encode_secret_scalar(secret: &BoxedScalar) -> Zeroizing<String> {
    use base64::Engine as _;
    let bytes = Zeroizing::new(secret.expose_secret().0.to_bytes());
    Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes.as_slice()))
}

fn decode_secret_scalar(text: &SecretString, what: &'static str) -> Result<BoxedScalar> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    decode_base64_into(text.expose_secret(), what, bytes.as_mut_slice())?;
    let scalar =
        Zeroizing::new(decode_scalar(*bytes).ok_or(Error::InvalidScalar { what, holder: None })?);
    if bool::from(scalar.ct_eq(&Scalar::ZERO)) {
        return Err(Error::InvalidScalar { what, holder: None });
    }
    Ok(boxed_scalar(&scalar))
}

/// A public group element (a public share, a commitment): 32 bytes, canonical, never the
/// identity.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicElement([u8; 32]);

impl PublicElement {
    /// The canonical 32-byte ristretto255 encoding.
    pub const fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    /// Decodes 32 bytes, rejecting non-canonical encodings and the identity.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let element = Element::decode_slice(bytes, "public element")?;
        Ok(Self(element.encoding))
    }

    /// Standard base64 of the encoding.
    pub fn to_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// Decodes standard base64 of a canonical, non-identity element.
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = decode_base64_exact::<32>(text, "public element")?;
        Self::from_bytes(&bytes)
    }

    fn element(&self) -> Result<Element> {
        Element::decode(self.0).ok_or(Error::InvalidElement {
            what: "public element",
            holder: None,
        })
    }
}

impl From<Element> for PublicElement {
    fn from(element: Element) -> Self {
        Self(element.encoding)
    }
}

impl fmt::Debug for PublicElement {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "PublicElement({})", self.to_base64())
    }
}

/// One SaaS holder's Shamir share `k_i = f(i)` of `k_S`, for one key version and epoch.
///
/// Secret: wiped on drop, not `Clone` or `Copy`, and its `Debug` shows only public fields.
/// Serialises (for the fragment service's storage) with the share as a base64 string.
///
/// ```compile_fail
/// fn needs_clone<T: Clone>() {}
/// needs_clone::<keyless_fragments::SaasShare>();
/// ```
pub struct SaasShare {
    key_id: KeyId,
    key_version: KeyVersion,
    epoch: Epoch,
    holder: HolderId,
    threshold: Threshold,
    secret: BoxedScalar,
    public: VerifyingKey,
}

impl SaasShare {
    fn from_secret(
        key_id: KeyId,
        key_version: KeyVersion,
        epoch: Epoch,
        holder: HolderId,
        threshold: Threshold,
        secret: BoxedScalar,
    ) -> Result<Self> {
        if holder.is_customer() || holder.get() > threshold.holders() {
            return Err(Error::UnknownHolderId { holder });
        }
        let point = RistrettoPoint::mul_base(&secret.expose_secret().0);
        if point.is_identity() {
            return Err(Error::InvalidScalar {
                what: "SaaS share",
                holder: Some(holder),
            });
        }
        let public = VerifyingKey::new(Element::from_point(point));
        Ok(Self {
            key_id,
            key_version,
            epoch,
            holder,
            threshold,
            secret,
            public,
        })
    }

    /// The key this share belongs to.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The key version this share belongs to.
    pub fn key_version(&self) -> KeyVersion {
        self.key_version
    }

    /// The refresh epoch of this share.
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    /// The holder id (`1..=n`) this share is evaluated at.
    pub fn holder(&self) -> HolderId {
        self.holder
    }

    /// The `t`-of-`n` threshold of the sharing.
    pub fn threshold(&self) -> Threshold {
        self.threshold
    }

    /// The public share `k_i * G`, as listed in the roster.
    pub fn public_share(&self) -> PublicElement {
        self.public.element.into()
    }

    pub(crate) fn secret(&self) -> &Scalar {
        &self.secret.expose_secret().0
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// Checks that this share is the one the roster lists for its holder (same key, epoch and
    /// public share), so a holder can refuse to serve with a stale or foreign share.
    pub fn check_against(&self, roster: &Roster) -> Result<()> {
        check_key(
            roster.key_id,
            roster.key_version,
            self.key_id,
            self.key_version,
            "SaaS share",
        )?;
        check_epoch(roster.epoch, self.epoch, "SaaS share")?;
        let listed = roster.saas_key(self.holder).ok_or(Error::UnknownHolderId {
            holder: self.holder,
        })?;
        if listed
            .element
            .encoding
            .ct_eq(&self.public.element.encoding)
            .into()
        {
            Ok(())
        } else {
            Err(Error::ShareMismatch {
                holder: self.holder,
            })
        }
    }

    /// Applies this holder's refresh delta: the result is the share for `update`'s new epoch.
    ///
    /// The delta is checked against the update's commitments (Feldman) before it is used.
    pub fn refresh(&self, delta: &RefreshDelta, update: &RosterUpdate) -> Result<Self> {
        check_key(
            update.key_id,
            update.key_version,
            self.key_id,
            self.key_version,
            "SaaS share",
        )?;
        check_key(
            update.key_id,
            update.key_version,
            delta.key_id,
            delta.key_version,
            "refresh delta",
        )?;
        check_epoch(update.from_epoch, self.epoch, "SaaS share")?;
        check_epoch(update.from_epoch, delta.from_epoch, "refresh delta")?;
        check_epoch(update.to_epoch, delta.to_epoch, "refresh delta")?;
        if delta.holder != self.holder {
            return Err(Error::InvalidRefresh {
                reason: "the delta is for another holder",
            });
        }
        if update.commitments.len() + 1 != usize::from(self.threshold.threshold()) {
            return Err(Error::InvalidRefresh {
                reason: "the update's commitments do not match the share's threshold",
            });
        }

        let expected = update.delta_commitment(self.holder);
        let actual = RistrettoPoint::mul_base(&delta.delta.expose_secret().0);
        if !bool::from(expected.ct_eq(&actual)) {
            return Err(Error::ShareMismatch {
                holder: self.holder,
            });
        }

        let refreshed = Zeroizing::new(self.secret() + delta.delta.expose_secret().0);
        Self::from_secret(
            self.key_id,
            self.key_version,
            update.to_epoch,
            self.holder,
            self.threshold,
            boxed_scalar(&refreshed),
        )
    }
}

impl fmt::Debug for SaasShare {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("SaasShare")
            .field("key_id", &self.key_id)
            .field("key_version", &self.key_version)
            .field("epoch", &self.epoch)
            .field("holder", &self.holder)
            .field("threshold", &self.threshold)
            .field("share", &"<redacted>")
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SaasShareRepr<S> {
    version: u8,
    suite: u8,
    key_id: KeyId,
    key_version: KeyVersion,
    epoch: Epoch,
    holder_id: HolderId,
    threshold: u16,
    holders: u16,
    share: S,
}

impl Serialize for SaasShare {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        let share = encode_secret_scalar(&self.secret);
        SaasShareRepr {
            version: SERIAL_VERSION,
            suite: SERIAL_SUITE,
            key_id: self.key_id,
            key_version: self.key_version,
            epoch: self.epoch,
            holder_id: self.holder,
            threshold: self.threshold.threshold(),
            holders: self.threshold.holders(),
            share: share.as_str(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SaasShare {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let repr = SaasShareRepr::<SecretString>::deserialize(deserializer)?;
        let build = || -> Result<Self> {
            check_serial_header(repr.version, repr.suite, "SaaS share")?;
            let threshold = Threshold::new(repr.threshold, repr.holders)?;
            let secret = decode_secret_scalar(&repr.share, "SaaS share")?;
            Self::from_secret(
                repr.key_id,
                repr.key_version,
                repr.epoch,
                repr.holder_id,
                threshold,
                secret,
            )
        };
        build().map_err(serde::de::Error::custom)
    }
}

/// The customer fragment `k_C`: generated on the customer side, required for every derivation,
/// never sent anywhere. Only [`CustomerFragment::public_share`] is published.
///
/// Secret: wiped on drop, not `Clone` or `Copy`, and its `Debug` shows only public fields.
/// It is not tied to a refresh epoch: refreshes re-share only `k_S`, and changing `k_C` is a
/// key rotation (new key version).
///
/// ```compile_fail
/// fn needs_clone<T: Clone>() {}
/// needs_clone::<keyless_fragments::CustomerFragment>();
/// ```
pub struct CustomerFragment {
    key_id: KeyId,
    key_version: KeyVersion,
    secret: BoxedScalar,
    public: VerifyingKey,
}

impl CustomerFragment {
    /// Draws a fresh non-zero customer fragment from the operating system's RNG.
    pub fn generate(key_id: KeyId, key_version: KeyVersion) -> Result<Self> {
        let secret = crate::suite::random_nonzero_scalar()?;
        Ok(Self::from_secret(
            key_id,
            key_version,
            boxed_scalar(&secret),
        ))
    }

    fn from_secret(key_id: KeyId, key_version: KeyVersion, secret: BoxedScalar) -> Self {
        let point = RistrettoPoint::mul_base(&secret.expose_secret().0);
        let public = VerifyingKey::new(Element::from_point(point));
        Self {
            key_id,
            key_version,
            secret,
            public,
        }
    }

    /// The key this fragment belongs to.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The key version this fragment belongs to.
    pub fn key_version(&self) -> KeyVersion {
        self.key_version
    }

    /// The public share `k_C * G` that goes into the roster.
    pub fn public_share(&self) -> PublicElement {
        self.public.element.into()
    }

    pub(crate) fn secret(&self) -> &Scalar {
        &self.secret.expose_secret().0
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }
}

impl fmt::Debug for CustomerFragment {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("CustomerFragment")
            .field("key_id", &self.key_id)
            .field("key_version", &self.key_version)
            .field("public_share", &self.public_share())
            .field("fragment", &"<redacted>")
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerFragmentRepr<S> {
    version: u8,
    suite: u8,
    key_id: KeyId,
    key_version: KeyVersion,
    fragment: S,
}

impl Serialize for CustomerFragment {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        let fragment = encode_secret_scalar(&self.secret);
        CustomerFragmentRepr {
            version: SERIAL_VERSION,
            suite: SERIAL_SUITE,
            key_id: self.key_id,
            key_version: self.key_version,
            fragment: fragment.as_str(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CustomerFragment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let repr = CustomerFragmentRepr::<SecretString>::deserialize(deserializer)?;
        let build = || -> Result<Self> {
            check_serial_header(repr.version, repr.suite, "customer fragment")?;
            let secret = decode_secret_scalar(&repr.fragment, "customer fragment")?;
            Ok(Self::from_secret(repr.key_id, repr.key_version, secret))
        };
        build().map_err(serde::de::Error::custom)
    }
}

/// The public side of a SaaS sharing: Feldman commitments `C_j = a_j * G` to the coefficients
/// of the sharing polynomial (exactly `t` of them), for one key version and epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaasCommitments {
    key_id: KeyId,
    key_version: KeyVersion,
    epoch: Epoch,
    threshold: Threshold,
    commitments: Vec<Element>,
}

impl SaasCommitments {
    /// The key these commitments belong to.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The key version these commitments belong to.
    pub fn key_version(&self) -> KeyVersion {
        self.key_version
    }

    /// The epoch these commitments belong to.
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    /// The threshold of the sharing.
    pub fn threshold(&self) -> Threshold {
        self.threshold
    }

    /// The commitments `C_0 .. C_{t-1}`; `C_0 = k_S * G`.
    pub fn commitments(&self) -> Vec<PublicElement> {
        self.commitments
            .iter()
            .copied()
            .map(PublicElement::from)
            .collect()
    }
}

/// What the dealer hands out: one share per SaaS holder and the public commitments.
#[derive(Debug)]
pub struct SaasDealing {
    /// One share per holder, ids `1..=n` in order.
    pub shares: Vec<SaasShare>,
    /// The public commitments, from which the roster's public shares follow.
    pub commitments: SaasCommitments,
}

/// Deals `k_S` as a fresh random `t`-of-`n` Shamir sharing (epoch 0).
///
/// **This is a trusted dealer**: the dealer momentarily holds `k_S` (and the whole
/// polynomial) in memory, wiped when this function returns. A distributed key generation
/// would avoid that and is planned; until then run the dealer inside the SaaS side's most
/// trusted component and never next to the customer fragment.
///
/// Coefficients are drawn uniformly over the whole scalar field (zero included), so no value
/// is excluded. A sharing in which some holder's share would be zero is re-drawn.
pub fn deal_saas_shares(
    key_id: KeyId,
    key_version: KeyVersion,
    threshold: Threshold,
) -> Result<SaasDealing> {
    deal_with(key_id, key_version, threshold, &mut fill_random)
}

pub(crate) fn deal_with(
    key_id: KeyId,
    key_version: KeyVersion,
    threshold: Threshold,
    fill: &mut dyn FnMut(&mut [u8]) -> Result<()>,
) -> Result<SaasDealing> {
    loop {
        let polynomial = sample_polynomial(usize::from(threshold.threshold()), true, fill)?;
        let mut secrets = Vec::with_capacity(usize::from(threshold.holders()));
        let mut any_zero = false;
        for id in 1..=threshold.holders() {
            let value = Zeroizing::new(evaluate_polynomial(&polynomial, id));
            any_zero |= bool::from(value.ct_eq(&Scalar::ZERO));
            secrets.push(boxed_scalar(&value));
        }
        if any_zero {
            continue;
        }

        let commitments: Vec<Element> = polynomial
            .iter()
            .map(|coefficient| Element::from_point(RistrettoPoint::mul_base(&coefficient.0)))
            .collect();
        if commitments
            .iter()
            .any(|commitment| commitment.point.is_identity())
        {
            continue;
        }

        let mut shares = Vec::with_capacity(secrets.len());
        for (id, secret) in (1..=threshold.holders()).zip(secrets) {
            let holder = HolderId::new(id)?;
            shares.push(SaasShare::from_secret(
                key_id,
                key_version,
                Epoch::INITIAL,
                holder,
                threshold,
                secret,
            )?);
        }
        let commitments = SaasCommitments {
            key_id,
            key_version,
            epoch: Epoch::INITIAL,
            threshold,
            commitments,
        };
        return Ok(SaasDealing {
            shares,
            commitments,
        });
    }
}

/// Samples `count` coefficients uniformly over the field. With `with_constant == false` the
/// constant term is zero (a refresh polynomial) and only `count - 1` are drawn.
pub(crate) fn sample_polynomial(
    count: usize,
    with_constant: bool,
    fill: &mut dyn FnMut(&mut [u8]) -> Result<()>,
) -> Result<Vec<SecretScalar>> {
    let mut coefficients = Vec::with_capacity(count);
    for index in 0..count {
        if index == 0 && !with_constant {
            coefficients.push(SecretScalar(Scalar::ZERO));
        } else {
            let coefficient = random_scalar_with(fill)?;
            coefficients.push(SecretScalar(*coefficient));
        }
    }
    Ok(coefficients)
}

/// Horner evaluation of the polynomial at a (public) holder id, in constant time in the
/// coefficients.
fn evaluate_polynomial(coefficients: &[SecretScalar], id: u16) -> Scalar {
    let x = Scalar::from(id);
    let mut acc = Scalar::ZERO;
    for coefficient in coefficients.iter().rev() {
        acc = acc * x + coefficient.0;
    }
    acc
}

/// `sum_j id^j * C_j`: the public image of the polynomial at `id`, from its commitments.
fn commitment_at(commitments: &[RistrettoPoint], first_power: u32, id: u16) -> RistrettoPoint {
    let x = Scalar::from(id);
    let mut power = Scalar::ONE;
    for _ in 0..first_power {
        power *= x;
    }
    let mut powers = Vec::with_capacity(commitments.len());
    for _ in commitments {
        powers.push(power);
        power *= x;
    }
    RistrettoPoint::vartime_multiscalar_mul(powers.iter(), commitments.iter())
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RosterEntry {
    holder: HolderId,
    key: VerifyingKey,
}

impl fmt::Debug for Element {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&PublicElement::from(*self), formatter)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&PublicElement::from(self.element), formatter)
    }
}

/// Everything a combiner pins to verify partials for one `(key id, key version, epoch)`:
/// the threshold, the Feldman commitments, every SaaS holder's public share and the customer's
/// public share. Public, but it must be authentic: whoever can swap the roster defeats the
/// proof checks, so load it from a trusted place, never from a holder's answer.
///
/// Serialises to a self-describing object; deserialising checks that the commitments have
/// exactly `t` entries and that every listed public share follows from them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roster {
    key_id: KeyId,
    key_version: KeyVersion,
    epoch: Epoch,
    threshold: Threshold,
    commitments: Vec<Element>,
    saas: Vec<RosterEntry>,
    customer: VerifyingKey,
    default_lagrange: LagrangeCache,
}

/// Lagrange coefficients for the holder set `1..=t`, the set a combiner uses whenever the
/// first `t` holders answer; computed once per roster instead of once per derivation.
#[derive(Clone, PartialEq, Eq)]
struct LagrangeCache(Vec<Scalar>);

impl fmt::Debug for LagrangeCache {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "<{} Lagrange coefficients for holders 1..=t>",
            self.0.len()
        )
    }
}

impl Roster {
    /// Builds the roster from the dealer's commitments and the customer's public share.
    pub fn new(saas: &SaasCommitments, customer_public_share: PublicElement) -> Result<Self> {
        let points: Vec<RistrettoPoint> = saas.commitments.iter().map(|c| c.point).collect();
        let mut entries = Vec::with_capacity(usize::from(saas.threshold.holders()));
        for id in 1..=saas.threshold.holders() {
            let point = commitment_at(&points, 0, id);
            if point.is_identity() {
                return Err(Error::InvalidRoster {
                    reason: "a public share is the identity",
                });
            }
            entries.push(RosterEntry {
                holder: HolderId::new(id)?,
                key: VerifyingKey::new(Element::from_point(point)),
            });
        }
        let first_t: Vec<HolderId> = entries
            .iter()
            .take(usize::from(saas.threshold.threshold()))
            .map(|e| e.holder)
            .collect();
        let default_lagrange = LagrangeCache(crate::derive::lagrange_at_zero(&first_t)?);
        Ok(Self {
            key_id: saas.key_id,
            key_version: saas.key_version,
            epoch: saas.epoch,
            threshold: saas.threshold,
            commitments: saas.commitments.clone(),
            saas: entries,
            customer: VerifyingKey::new(customer_public_share.element()?),
            default_lagrange,
        })
    }

    /// The key this roster pins.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The key version this roster pins.
    pub fn key_version(&self) -> KeyVersion {
        self.key_version
    }

    /// The refresh epoch of the SaaS shares this roster lists.
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    /// The `t`-of-`n` threshold.
    pub fn threshold(&self) -> Threshold {
        self.threshold
    }

    /// The public share of SaaS holder `holder`, if the roster lists it.
    pub fn public_share(&self, holder: HolderId) -> Option<PublicElement> {
        self.saas_key(holder).map(|key| key.element.into())
    }

    /// The SaaS holder ids, in increasing order.
    pub fn holders(&self) -> impl Iterator<Item = HolderId> + '_ {
        self.saas.iter().map(|entry| entry.holder)
    }

    /// The customer fragment's public share `k_C * G`.
    pub fn customer_public_share(&self) -> PublicElement {
        self.customer.element.into()
    }

    /// The Feldman commitments `C_0 .. C_{t-1}` of the current epoch.
    pub fn commitments(&self) -> Vec<PublicElement> {
        self.commitments
            .iter()
            .copied()
            .map(PublicElement::from)
            .collect()
    }

    /// The public key of the whole OPRF key, `(k_S + k_C) * G`; unchanged by refreshes.
    pub fn group_public_key(&self) -> PublicElement {
        let sum = self
            .commitments
            .first()
            .map_or_else(RistrettoPoint::identity, |c| c.point)
            + self.customer.element.point;
        Element::from_point(sum).into()
    }

    pub(crate) fn saas_key(&self, holder: HolderId) -> Option<&VerifyingKey> {
        self.saas
            .binary_search_by_key(&holder, |entry| entry.holder)
            .ok()
            .and_then(|index| self.saas.get(index))
            .map(|entry| &entry.key)
    }

    /// Lagrange coefficients at zero for `holders`, from the cache when they are `1..=t`.
    pub(crate) fn lagrange(&self, holders: &[HolderId]) -> Result<Vec<Scalar>> {
        let is_default = holders.len() == self.default_lagrange.0.len()
            && holders
                .iter()
                .zip(1u16..)
                .all(|(holder, id)| holder.get() == id);
        if is_default {
            Ok(self.default_lagrange.0.clone())
        } else {
            crate::derive::lagrange_at_zero(holders)
        }
    }

    pub(crate) fn customer_key(&self) -> &VerifyingKey {
        &self.customer
    }

    /// The roster of the next epoch after a refresh. The group key is unchanged; the
    /// update's commitments must have exactly `t - 1` entries (its constant term is zero).
    pub fn apply(&self, update: &RosterUpdate) -> Result<Self> {
        check_key(
            self.key_id,
            self.key_version,
            update.key_id,
            update.key_version,
            "roster update",
        )?;
        check_epoch(self.epoch, update.from_epoch, "roster update")?;
        if update.commitments.len() + 1 != self.commitments.len() {
            return Err(Error::InvalidRefresh {
                reason: "the update must carry exactly t - 1 commitments",
            });
        }

        let mut commitments = self.commitments.clone();
        for (commitment, delta) in commitments.iter_mut().skip(1).zip(&update.commitments) {
            let sum = commitment.point + delta.point;
            if sum.is_identity() {
                return Err(Error::InvalidRefresh {
                    reason: "a new commitment is the identity",
                });
            }
            *commitment = Element::from_point(sum);
        }

        let saas = SaasCommitments {
            key_id: self.key_id,
            key_version: self.key_version,
            epoch: update.to_epoch,
            threshold: self.threshold,
            commitments,
        };
        Self::new(&saas, self.customer_public_share())
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterRepr {
    version: u8,
    suite: u8,
    key_id: KeyId,
    key_version: KeyVersion,
    epoch: Epoch,
    threshold: u16,
    holders: u16,
    commitments: Vec<String>,
    public_shares: Vec<PublicShareRepr>,
    customer_public_share: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicShareRepr {
    holder_id: HolderId,
    share: String,
}

impl Serialize for Roster {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        RosterRepr {
            version: SERIAL_VERSION,
            suite: SERIAL_SUITE,
            key_id: self.key_id,
            key_version: self.key_version,
            epoch: self.epoch,
            threshold: self.threshold.threshold(),
            holders: self.threshold.holders(),
            commitments: self
                .commitments()
                .iter()
                .map(PublicElement::to_base64)
                .collect(),
            public_shares: self
                .saas
                .iter()
                .map(|entry| PublicShareRepr {
                    holder_id: entry.holder,
                    share: PublicElement::from(entry.key.element).to_base64(),
                })
                .collect(),
            customer_public_share: self.customer_public_share().to_base64(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Roster {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        let repr = RosterRepr::deserialize(deserializer)?;
        Self::from_repr(&repr).map_err(serde::de::Error::custom)
    }
}

impl Roster {
    fn from_repr(repr: &RosterRepr) -> Result<Self> {
        check_serial_header(repr.version, repr.suite, "roster")?;
        let threshold = Threshold::new(repr.threshold, repr.holders)?;

        // A commitment vector longer than t would silently raise the threshold; shorter would
        // lower it. Either way the roster is not the one the shares were dealt with.
        if repr.commitments.len() != usize::from(threshold.threshold()) {
            return Err(Error::InvalidRoster {
                reason: "the number of commitments must equal the threshold t",
            });
        }
        if repr.public_shares.len() != usize::from(threshold.holders()) {
            return Err(Error::InvalidRoster {
                reason: "the number of public shares must equal the number of holders n",
            });
        }

        let mut commitments = Vec::with_capacity(repr.commitments.len());
        for text in &repr.commitments {
            commitments.push(PublicElement::from_base64(text)?.element()?);
        }
        let customer = PublicElement::from_base64(&repr.customer_public_share)?;
        let saas = SaasCommitments {
            key_id: repr.key_id,
            key_version: repr.key_version,
            epoch: repr.epoch,
            threshold,
            commitments,
        };
        let roster = Self::new(&saas, customer)?;

        for (listed, expected) in repr.public_shares.iter().zip(&roster.saas) {
            if listed.holder_id != expected.holder {
                return Err(Error::InvalidRoster {
                    reason: "public shares must list holders 1..=n in increasing order",
                });
            }
            let share = PublicElement::from_base64(&listed.share)?;
            if share.0 != expected.key.element.encoding {
                return Err(Error::InvalidRoster {
                    reason: "a public share does not follow from the commitments",
                });
            }
        }
        Ok(roster)
    }
}

/// The public half of a refresh: the move from one epoch to the next, with Feldman commitments
/// `D_1 .. D_{t-1}` to the zero-constant re-sharing polynomial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterUpdate {
    key_id: KeyId,
    key_version: KeyVersion,
    from_epoch: Epoch,
    to_epoch: Epoch,
    commitments: Vec<Element>,
}

impl RosterUpdate {
    /// The epoch the update starts from.
    pub fn from_epoch(&self) -> Epoch {
        self.from_epoch
    }

    /// The epoch the update leads to.
    pub fn to_epoch(&self) -> Epoch {
        self.to_epoch
    }

    /// `sum_{j>=1} id^j * D_j`: the public image of the delta polynomial at `holder`.
    fn delta_commitment(&self, holder: HolderId) -> RistrettoPoint {
        let points: Vec<RistrettoPoint> = self.commitments.iter().map(|c| c.point).collect();
        commitment_at(&points, 1, holder.get())
    }

    /// The commitments `D_1 .. D_{t-1}`.
    pub fn commitments(&self) -> Vec<PublicElement> {
        self.commitments
            .iter()
            .copied()
            .map(PublicElement::from)
            .collect()
    }

    /// Builds an update from its parts, e.g. after receiving it over the wire. The number of
    /// commitments is checked when the update is applied.
    pub fn from_parts(
        key_id: KeyId,
        key_version: KeyVersion,
        from_epoch: Epoch,
        commitments: &[PublicElement],
    ) -> Result<Self> {
        let to_epoch = from_epoch.next().ok_or(Error::InvalidRefresh {
            reason: "the epoch counter is exhausted",
        })?;
        let commitments = commitments
            .iter()
            .map(PublicElement::element)
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            key_id,
            key_version,
            from_epoch,
            to_epoch,
            commitments,
        })
    }
}

/// One SaaS holder's secret part of a refresh: `delta(i)` of the zero-constant polynomial.
/// Wiped on drop; `Debug` shows no secret.
pub struct RefreshDelta {
    key_id: KeyId,
    key_version: KeyVersion,
    from_epoch: Epoch,
    to_epoch: Epoch,
    holder: HolderId,
    delta: BoxedScalar,
}

impl RefreshDelta {
    /// The holder this delta is for.
    pub fn holder(&self) -> HolderId {
        self.holder
    }
}

impl fmt::Debug for RefreshDelta {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RefreshDelta")
            .field("key_id", &self.key_id)
            .field("key_version", &self.key_version)
            .field("from_epoch", &self.from_epoch)
            .field("to_epoch", &self.to_epoch)
            .field("holder", &self.holder)
            .field("delta", &"<redacted>")
            .finish()
    }
}

/// What a refresh dealer hands out: the public update and one delta per SaaS holder.
#[derive(Debug)]
pub struct RefreshDealing {
    /// The public update every combiner applies to its roster.
    pub update: RosterUpdate,
    /// One delta per holder, ids `1..=n` in order.
    pub deltas: Vec<RefreshDelta>,
}

/// Deals a proactive refresh of `k_S` for the epoch after the roster's: a random polynomial of
/// degree `t - 1` with a zero constant term, so `k_S` and every derived key stay equal while
/// every share changes. Needs `t >= 2`: with `t = 1` every holder holds `k_S` itself and there
/// is nothing to re-share.
///
/// Like [`deal_saas_shares`], this is a trusted dealer; it never sees `k_S` or any share.
pub fn deal_refresh(roster: &Roster) -> Result<RefreshDealing> {
    let threshold = roster.threshold;
    if threshold.threshold() < 2 {
        return Err(Error::InvalidRefresh {
            reason: "a 1-of-n sharing cannot be refreshed",
        });
    }
    let to_epoch = roster.epoch.next().ok_or(Error::InvalidRefresh {
        reason: "the epoch counter is exhausted",
    })?;

    let polynomial =
        sample_polynomial(usize::from(threshold.threshold()), false, &mut fill_random)?;
    let commitments: Vec<Element> = polynomial
        .iter()
        .skip(1)
        .map(|coefficient| Element::from_point(RistrettoPoint::mul_base(&coefficient.0)))
        .collect();
    if commitments
        .iter()
        .any(|commitment| commitment.point.is_identity())
    {
        return Err(Error::InvalidRefresh {
            reason: "a zero coefficient was drawn; retry",
        });
    }

    let mut deltas = Vec::with_capacity(usize::from(threshold.holders()));
    for id in 1..=threshold.holders() {
        let value = Zeroizing::new(evaluate_polynomial(&polynomial, id));
        deltas.push(RefreshDelta {
            key_id: roster.key_id,
            key_version: roster.key_version,
            from_epoch: roster.epoch,
            to_epoch,
            holder: HolderId::new(id)?,
            delta: boxed_scalar(&value),
        });
    }
    let update = RosterUpdate {
        key_id: roster.key_id,
        key_version: roster.key_version,
        from_epoch: roster.epoch,
        to_epoch,
        commitments,
    };
    Ok(RefreshDealing { update, deltas })
}

fn check_serial_header(version: u8, suite: u8, what: &'static str) -> Result<()> {
    if version != SERIAL_VERSION {
        return Err(Error::Unsupported {
            what,
            field: "version",
            value: version.into(),
        });
    }
    if suite != SERIAL_SUITE {
        return Err(Error::Unsupported {
            what,
            field: "suite",
            value: suite.into(),
        });
    }
    Ok(())
}

pub(crate) fn check_key(
    expected_key: KeyId,
    expected_version: KeyVersion,
    found_key: KeyId,
    found_version: KeyVersion,
    what: &'static str,
) -> Result<()> {
    if expected_key == found_key && expected_version == found_version {
        Ok(())
    } else {
        Err(Error::KeyMismatch {
            what,
            holder: None,
            expected_key,
            expected_version,
            found_key,
            found_version,
        })
    }
}

pub(crate) fn check_epoch(expected: Epoch, found: Epoch, what: &'static str) -> Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::EpochMismatch {
            what,
            holder: None,
            expected,
            found,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;

    /// RUSTSEC-2024-0398 (sharks drew coefficients from 1..=255, never 0). Small-field model:
    /// the low byte of coefficients drawn over Z_l must be uniform over all 256 values, zero
    /// included (chi-square, 255 degrees of freedom; 420 is far beyond the 1e-6 tail). The
    /// sampler must also keep a zero draw instead of re-sampling it.
    #[test]
    fn rustsec_2024_0398_coefficients_are_uniform_and_include_zero() {
        const DRAWS: usize = 256 * 100;
        let mut buckets = [0u32; 256];
        let mut drawn = 0;
        while drawn < DRAWS {
            let polynomial = sample_polynomial(16, true, &mut fill_random).unwrap();
            for coefficient in &polynomial {
                buckets[usize::from(coefficient.0.to_bytes()[0])] += 1;
            }
            drawn += polynomial.len();
        }
        assert!(
            buckets.iter().all(|count| *count > 0),
            "some byte value never occurs"
        );
        let expected = drawn as f64 / 256.0;
        let chi_square: f64 = buckets
            .iter()
            .map(|count| (f64::from(*count) - expected).powi(2) / expected)
            .sum();
        assert!(chi_square < 420.0, "chi-square {chi_square}");

        let mut zeros = |bytes: &mut [u8]| {
            bytes.fill(0);
            Ok(())
        };
        let polynomial = sample_polynomial(3, true, &mut zeros).unwrap();
        assert!(
            polynomial
                .iter()
                .all(|coefficient| coefficient.0 == Scalar::ZERO)
        );

        let refresh = sample_polynomial(3, false, &mut fill_random).unwrap();
        assert_eq!(
            refresh[0].0,
            Scalar::ZERO,
            "a refresh polynomial has no constant term"
        );
    }

    /// A dealing whose polynomial would give some holder a zero share is re-drawn.
    #[test]
    fn zero_shares_are_never_dealt() {
        let key_id = KeyId::from_bytes([7; 16]);
        let mut calls = 0;
        // First polynomial all zero (every share zero), then real randomness.
        let mut source = |bytes: &mut [u8]| {
            calls += 1;
            if calls <= 2 {
                bytes.fill(0)
            } else {
                getrandom::fill(bytes).unwrap()
            }
            Ok(())
        };
        let threshold = Threshold::new(2, 3).unwrap();
        let dealing = deal_with(key_id, KeyVersion::new(1), threshold, &mut source).unwrap();
        assert!(calls > 2, "the zero polynomial was not re-drawn");
        for share in &dealing.shares {
            assert_ne!(*share.secret(), Scalar::ZERO);
        }
    }

    struct DropObserver(Rc<Cell<bool>>);

    impl Zeroize for DropObserver {
        fn zeroize(&mut self) {
            self.0.set(true);
        }
    }

    /// RUSTSEC-2021-0115 (zeroize_derive did not wipe enums on drop). Secret scalars live in
    /// `SecretBox`; this checks with an observer that dropping the box really runs the wipe,
    /// and that the wipe clears a `SecretScalar`.
    #[test]
    fn rustsec_2021_0115_secret_storage_is_wiped_on_drop() {
        let wiped = Rc::new(Cell::new(false));
        let secret = SecretBox::new(Box::new(DropObserver(Rc::clone(&wiped))));
        assert!(!wiped.get());
        drop(secret);
        assert!(wiped.get(), "SecretBox did not zeroize its content on drop");

        let mut scalar = SecretScalar(Scalar::from(42u8));
        scalar.zeroize();
        assert_eq!(scalar.0, Scalar::ZERO);
    }

    #[test]
    fn polynomial_evaluation_and_commitments_agree() {
        let polynomial = sample_polynomial(4, true, &mut fill_random).unwrap();
        let commitments: Vec<RistrettoPoint> = polynomial
            .iter()
            .map(|c| RistrettoPoint::mul_base(&c.0))
            .collect();
        for id in [1u16, 2, 9, 65534] {
            let value = evaluate_polynomial(&polynomial, id);
            assert_eq!(
                RistrettoPoint::mul_base(&value),
                commitment_at(&commitments, 0, id)
            );
        }
    }
}
