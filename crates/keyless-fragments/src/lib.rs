//! Fragment-combining crypto core: blinded verifiable partials, item keys, sealed envelopes.
//!
//! A secret's key is never whole outside the moment of use. The OPRF key of a fragment key is
//! `k = k_S + k_C`: `k_S` is Shamir-shared `t`-of-`n` among SaaS fragment holders, `k_C` (the
//! customer fragment) stays on the customer's premises and takes part in every derivation.
//! Neither side learns the other's part, and the SaaS side alone can derive nothing.
//!
//! Deriving the key of one item version is a threshold VOPRF evaluation (RFC 9497, suite
//! ristretto255-SHA512, VOPRF mode):
//!
//! 1. the combiner hashes the [`ItemContext`] to the group and blinds it
//!    ([`PendingDerivation::start`]), producing a [`BlindedRequest`];
//! 2. each holder evaluates the blinded element with its share and proves it
//!    ([`SaasShare::evaluate`], [`CustomerFragment::evaluate`]), answering with a 124-byte
//!    [`DerivedPartial`];
//! 3. the combiner checks every partial against its pinned [`Roster`], combines `t` SaaS
//!    partials and the customer partial with Lagrange coefficients, unblinds, finalizes and
//!    derives the [`ItemKey`] ([`PendingDerivation::finish`]);
//! 4. the item key seals and opens the secret value in a versioned [`Envelope`].
//!
//! Holders see only a uniformly random element, so they never learn which item is opened.
//! Refreshing the SaaS shares ([`deal_refresh`]) changes every share but no derived key.
//!
//! # Example
//!
//! ```
//! use keyless_fragments::{
//!     CustomerFragment, Envelope, ItemContext, KeyId, KeyVersion, PendingDerivation, Roster,
//!     Threshold, deal_saas_shares,
//! };
//! use secrecy::ExposeSecret;
//!
//! # fn main() -> Result<(), keyless_fragments::Error> {
//! // Key creation: the SaaS dealer shares k_S 2-of-3, the customer side makes k_C.
//! let key_id = KeyId::generate()?;
//! let version = KeyVersion::new(1);
//! let dealing = deal_saas_shares(key_id, version, Threshold::new(2, 3)?)?;
//! let customer = CustomerFragment::generate(key_id, version)?;
//! let roster = Roster::new(&dealing.commitments, customer.public_share())?;
//!
//! // Writing a secret: derive the item key from two SaaS holders and the customer.
//! let context = ItemContext::new(key_id, version, "/mdapi/billing/db-password", 1)?;
//! let pending = PendingDerivation::start(&roster, &context)?;
//! let partials = [
//!     dealing.shares[0].evaluate(pending.request())?,
//!     dealing.shares[2].evaluate(pending.request())?,
//!     customer.evaluate(pending.request())?,
//! ];
//! let key = pending.finish(&partials)?;
//! let stored = key.seal(b"s3cr3t")?.into_bytes();
//!
//! // Reading it back later, with another pair of SaaS holders.
//! let envelope = Envelope::from_bytes(&stored)?;
//! let pending = PendingDerivation::start(&roster, &context)?;
//! let partials = [
//!     dealing.shares[1].evaluate(pending.request())?,
//!     dealing.shares[2].evaluate(pending.request())?,
//!     customer.evaluate(pending.request())?,
//! ];
//! let key = pending.finish(&partials)?;
//! assert_eq!(key.open(&envelope)?.expose_secret(), b"s3cr3t");
//! # Ok(())
//! # }
//! ```
//!
//! # Security considerations
//!
//! - **Pin the roster.** Proofs are checked against the roster's public shares; a roster taken
//!   from a holder's answer verifies nothing. Load it from configuration or a signed source.
//! - **Trusted dealer.** [`deal_saas_shares`] and [`deal_refresh`] run as a trusted dealer
//!   that briefly holds the polynomial; a distributed key generation is not implemented yet.
//! - **Holders are an oracle.** Whoever may call a holder can evaluate any item under that
//!   key (blinding hides the item from the holder). Authorise callers before evaluating and
//!   rate-limit per caller: RFC 9497 notes a security loss of `log2(Q)/2` bits after `Q`
//!   evaluations.
//! - **Opaque decryption errors.** Opening never says why it failed and never returns partial
//!   plaintext.
//! - **Hygiene.** Shares, the customer fragment, blinds, intermediate points, HKDF state, item
//!   keys and plaintext buffers are wiped when dropped; secret types are not `Copy` or `Clone`
//!   and their `Debug` shows no secret; key checks and proof challenges are compared in
//!   constant time; randomness comes from the operating system. Wiping cannot reach copies
//!   the compiler makes on the stack or that a serializer's output buffer keeps.
//!
//! # Errors
//!
//! | error | meaning |
//! |---|---|
//! | [`Error::InsufficientPartials`] | fewer than `t` usable SaaS partials |
//! | [`Error::MissingCustomerFragment`] | no customer partial |
//! | [`Error::DuplicateHolderId`], [`Error::ZeroHolderId`], [`Error::UnknownHolderId`] | a partial's holder id is repeated, zero or not in the roster |
//! | [`Error::InvalidElement`], [`Error::InvalidScalar`] | a non-canonical or identity encoding |
//! | [`Error::InvalidProof`] | DLEQ proofs that failed, naming the holders |
//! | [`Error::EpochMismatch`], [`Error::KeyMismatch`] | stale epoch, other key or version |
//! | [`Error::MalformedLength`], [`Error::Malformed`], [`Error::Unsupported`] | bad encodings |
//! | [`Error::Decrypt`] | opening failed (deliberately without detail) |
//!
//! # Known limitations
//!
//! - Shares are dealt by a trusted dealer; there is no distributed key generation yet.
//! - Only envelope suite 1 (XChaCha20-Poly1305) is implemented; suite 2 (AES-256-GCM-SIV) is
//!   reserved in the layout and rejected as unsupported.
//! - Changing the customer fragment is a key rotation (new key version, re-encryption); there
//!   is no coordinated shift between `k_C` and `k_S`.
//! - The roster is not signed by this crate; authenticating it is the caller's job.
//! - Building or decoding a roster costs `n * t` group operations (every public share is
//!   recomputed from the commitments); rosters are configuration, not attacker input, but a
//!   very large `n` and `t` (tens of thousands) would take seconds.
//! - Wiping covers this crate's own buffers. Copies made by a serializer (the JSON text of a
//!   serialised share, serde_json's intermediate strings) and stack copies the compiler makes
//!   are outside its reach.
//! - [`RosterUpdate`] has no serde form yet; refresh messages are passed in-process.
//! - The verified path costs three RFC 9497 proof checks for a 2-of-3 key (the composite
//!   computation adds two scalar multiplications per check). On the 2-core machine of
//!   `docs/benchmarks.md` that is about 0.22 ms when curve25519-dalek's AVX-512 IFMA backend is
//!   compiled in and the CPU has IFMA, and 0.39 to 0.47 ms with dalek's default backends.
//!   This repository's build compiles the IFMA backend in; an application that depends on this
//!   crate does so only if its own Cargo config sets the cfg the workspace README shows.
//! - A roster keeps about 20 KiB of multiplication tables per holder once proofs have been
//!   checked against it (shared by its clones).

mod codec;
mod context;
mod derive;
mod envelope;
mod error;
mod ids;
mod keys;
#[doc(hidden)]
pub mod primitives;
mod suite;

pub use context::{ItemContext, MAX_INLINE_PATH, MAX_TENANT, Purpose};
pub use derive::{
    BLINDED_ELEMENT_LEN, BlindedElement, BlindedRequest, DerivedPartial, PARTIAL_LEN,
    PendingDerivation,
};
pub use envelope::{
    Envelope, HEADER_LEN, ItemKey, KEY_CHECK_LEN, KeyCheck, OVERHEAD, TAG_LEN, open, seal,
};
pub use error::{Error, Result};
pub use ids::{Epoch, HolderId, KEY_ID_LEN, KeyId, KeyVersion, MAX_SAAS_HOLDERS, Threshold};
pub use keys::{
    CustomerFragment, PublicElement, RefreshDealing, RefreshDelta, Roster, RosterUpdate,
    SaasCommitments, SaasDealing, SaasShare, deal_refresh, deal_saas_shares,
};
