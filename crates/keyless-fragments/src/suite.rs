//! RFC 9497 VOPRF building blocks for the suite `ristretto255-SHA512`.
//!
//! curve25519-dalek provides the group; this module adds what RFC 9497 layers on top of it:
//! RFC 9380 `expand_message_xmd` with SHA-512 (dalek keeps its own copy private, and its
//! `hash_from_bytes` has no domain separation, so it is not `hash_to_ristretto255`),
//! `HashToGroup`, `HashToScalar`, the DLEQ proof with composites, and `Finalize`.
//! Everything here is checked against the RFC 9380 and RFC 9497 test vectors in the unit tests
//! at the bottom of this file.

use std::sync::{Arc, OnceLock};

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::ristretto::{
    CompressedRistretto, RistrettoPoint, VartimeRistrettoPrecomputation,
};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{
    IsIdentity, VartimeMultiscalarMul, VartimePrecomputedMultiscalarMul,
};
use sha2::{Digest, Sha512};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// RFC 9497 mode byte of the base OPRF.
#[cfg(test)]
pub(crate) const MODE_OPRF: u8 = 0x00;
/// RFC 9497 mode byte of the verifiable OPRF, the mode every holder runs in.
pub(crate) const MODE_VOPRF: u8 = 0x01;

const SUITE_IDENTIFIER: &[u8] = b"ristretto255-SHA512";
const MAX_DST: usize = 64;

/// A domain separation tag, built at compile time for the suite's fixed labels.
#[derive(Clone, Copy)]
pub(crate) struct Dst {
    bytes: [u8; MAX_DST],
    len: usize,
}

impl Dst {
    /// `label || "OPRFV1-" || I2OSP(mode, 1) || "-" || "ristretto255-SHA512"`.
    const fn oprf(label: &[u8], mode: u8) -> Self {
        let mut dst = Self {
            bytes: [0u8; MAX_DST],
            len: 0,
        };
        dst = dst.push(label);
        dst = dst.push(b"OPRFV1-");
        dst = dst.push(&[mode]);
        dst = dst.push(b"-");
        dst.push(SUITE_IDENTIFIER)
    }

    const fn push(mut self, part: &[u8]) -> Self {
        let mut index = 0;
        while index < part.len() {
            self.bytes[self.len] = part[index];
            self.len += 1;
            index += 1;
        }
        self
    }

    /// An arbitrary tag, for the RFC 9380 vectors.
    #[cfg(test)]
    pub(crate) fn raw(tag: &[u8]) -> Self {
        assert!(!tag.is_empty() && tag.len() <= MAX_DST);
        Self {
            bytes: [0u8; MAX_DST],
            len: 0,
        }
        .push(tag)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.split_at(self.len).0
    }

    fn len_byte(&self) -> [u8; 1] {
        // `len` is at most MAX_DST (64) by construction.
        [self.len as u8]
    }
}

/// The domain separation tags of one RFC 9497 mode.
pub(crate) struct Suite {
    hash_to_group: Dst,
    hash_to_scalar: Dst,
    seed: Dst,
    #[cfg(test)]
    derive_key_pair: Dst,
}

impl Suite {
    const fn new(mode: u8) -> Self {
        Self {
            hash_to_group: Dst::oprf(b"HashToGroup-", mode),
            hash_to_scalar: Dst::oprf(b"HashToScalar-", mode),
            seed: Dst::oprf(b"Seed-", mode),
            #[cfg(test)]
            derive_key_pair: Dst::oprf(b"DeriveKeyPair", mode),
        }
    }
}

/// The VOPRF-mode suite used by every holder and combiner in this crate.
pub(crate) const VOPRF: Suite = Suite::new(MODE_VOPRF);
/// The base-mode suite, only for the RFC's OPRF-mode vectors.
#[cfg(test)]
pub(crate) const OPRF: Suite = Suite::new(MODE_OPRF);

/// Fills `bytes` from the operating system's random number generator.
pub(crate) fn fill_random(bytes: &mut [u8]) -> Result<()> {
    getrandom::fill(bytes).map_err(Error::Randomness)
}

/// A uniformly random scalar over the whole field, zero included: 64 random bytes reduced
/// modulo the group order, with no rejection step, so no value is excluded or favoured.
pub(crate) fn random_scalar_with(
    fill: &mut dyn FnMut(&mut [u8]) -> Result<()>,
) -> Result<Zeroizing<Scalar>> {
    let mut wide = Zeroizing::new([0u8; 64]);
    fill(wide.as_mut_slice())?;
    Ok(Zeroizing::new(Scalar::from_bytes_mod_order_wide(&wide)))
}

/// A uniformly random non-zero scalar (blinds, proof nonces, customer fragments): zero is
/// re-sampled, which only happens with probability about 2^-252.
pub(crate) fn random_nonzero_scalar() -> Result<Zeroizing<Scalar>> {
    loop {
        let scalar = random_scalar_with(&mut fill_random)?;
        if !bool::from(scalar.ct_eq(&Scalar::ZERO)) {
            return Ok(scalar);
        }
    }
}

/// RFC 9380 section 5.3.1 `expand_message_xmd` with SHA-512, producing `N` bytes.
pub(crate) fn expand_message_xmd<const N: usize>(msg: &[&[u8]], dst: &Dst) -> Zeroizing<[u8; N]> {
    const { assert!(N > 0 && N <= 255 * 64 && N <= 65535) };

    let mut hasher = Sha512::new();
    hasher.update([0u8; 128]);
    for part in msg {
        hasher.update(part);
    }
    // N <= 65535 is asserted above.
    hasher.update((N as u16).to_be_bytes());
    hasher.update([0u8]);
    hasher.update(dst.as_bytes());
    hasher.update(dst.len_byte());
    let b_0 = Zeroizing::new(<[u8; 64]>::from(hasher.finalize()));

    let mut out = Zeroizing::new([0u8; N]);
    let mut previous = Zeroizing::new([0u8; 64]);
    for (chunk, counter) in out.chunks_mut(64).zip(1u8..=255) {
        let mut hasher = Sha512::new();
        if counter == 1 {
            hasher.update(b_0.as_slice());
        } else {
            let mut mixed = Zeroizing::new(*b_0);
            for (byte, previous_byte) in mixed.iter_mut().zip(previous.iter()) {
                *byte ^= previous_byte;
            }
            hasher.update(mixed.as_slice());
        }
        hasher.update([counter]);
        hasher.update(dst.as_bytes());
        hasher.update(dst.len_byte());
        *previous = hasher.finalize().into();
        for (slot, byte) in chunk.iter_mut().zip(previous.iter()) {
            *slot = *byte;
        }
    }
    out
}

/// RFC 9497 `HashToGroup`: `expand_message_xmd` to 64 bytes, then the ristretto255 one-way map.
pub(crate) fn hash_to_group(suite: &Suite, msg: &[&[u8]]) -> RistrettoPoint {
    let uniform = expand_message_xmd::<64>(msg, &suite.hash_to_group);
    RistrettoPoint::from_uniform_bytes(&uniform)
}

/// RFC 9497 `HashToScalar` with the suite's default tag.
pub(crate) fn hash_to_scalar(suite: &Suite, msg: &[&[u8]]) -> Scalar {
    hash_to_scalar_with(msg, &suite.hash_to_scalar)
}

fn hash_to_scalar_with(msg: &[&[u8]], dst: &Dst) -> Scalar {
    let uniform = expand_message_xmd::<64>(msg, dst);
    Scalar::from_bytes_mod_order_wide(&uniform)
}

/// RFC 9497 `DeriveKeyPair`, only used to check the RFC's key-derivation vectors.
#[cfg(test)]
pub(crate) fn derive_key_pair(suite: &Suite, seed: &[u8], info: &[u8]) -> Option<Scalar> {
    let info_len = u16::try_from(info.len()).ok()?.to_be_bytes();
    for counter in 0u8..=255 {
        let secret =
            hash_to_scalar_with(&[seed, &info_len, info, &[counter]], &suite.derive_key_pair);
        if secret != Scalar::ZERO {
            return Some(secret);
        }
    }
    None
}

/// A validated group element with its canonical 32-byte encoding kept alongside, so that
/// transcripts hash the received bytes instead of re-encoding the point.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Element {
    pub(crate) point: RistrettoPoint,
    pub(crate) encoding: [u8; 32],
}

impl Element {
    /// Encodes a point that the caller knows is not the identity.
    pub(crate) fn from_point(point: RistrettoPoint) -> Self {
        Self {
            point,
            encoding: point.compress().to_bytes(),
        }
    }

    /// RFC 9497 `DeserializeElement`: canonical encoding, not the identity.
    pub(crate) fn decode(encoding: [u8; 32]) -> Option<Self> {
        let point = CompressedRistretto(encoding).decompress()?;
        if point.is_identity() {
            return None;
        }
        Some(Self { point, encoding })
    }

    /// Decodes a slice that must be exactly 32 bytes long.
    pub(crate) fn decode_slice(bytes: &[u8], what: &'static str) -> Result<Self> {
        let encoding: [u8; 32] = bytes.try_into().map_err(|_| Error::MalformedLength {
            what,
            expected: 32,
            found: bytes.len(),
        })?;
        Self::decode(encoding).ok_or(Error::InvalidElement { what, holder: None })
    }
}

/// RFC 9497 `DeserializeScalar`: a canonical little-endian scalar.
pub(crate) fn decode_scalar(encoding: [u8; 32]) -> Option<Scalar> {
    Option::from(Scalar::from_canonical_bytes(encoding))
}

/// A holder's public key (`k_i * G`) prepared for proof checks: the point, its encoding, the
/// composite seed of RFC 9497 section 2.2.1, which depends only on the key and the suite, and
/// variable-time tables for `t2 = c * PK + s * G`.
///
/// The tables (about 20 KiB) are built by the first proof check against the key and shared by
/// every clone of it, so a roster that is cloned for each derivation builds them once. A key
/// that only proves (a holder's own) never builds them.
#[derive(Clone)]
pub(crate) struct VerifyingKey {
    pub(crate) element: Element,
    seed: [u8; 64],
    tables: Arc<OnceLock<VartimeRistrettoPrecomputation>>,
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        // The tables are a function of the element; the seed also depends on the suite.
        self.element == other.element && self.seed == other.seed
    }
}

impl Eq for VerifyingKey {}

impl VerifyingKey {
    pub(crate) fn new(element: Element) -> Self {
        Self::with_suite(element, &VOPRF)
    }

    /// A key for `suite`, whose name goes into the composite seed; the RFC 9497 vectors of the
    /// other modes need it.
    fn with_suite(element: Element, suite: &Suite) -> Self {
        let seed_dst = suite.seed.as_bytes();
        let mut hasher = Sha512::new();
        hasher.update(32u16.to_be_bytes());
        hasher.update(element.encoding);
        // The seed tag is a compile-time constant well below 2^16 bytes.
        hasher.update((seed_dst.len() as u16).to_be_bytes());
        hasher.update(seed_dst);
        Self {
            element,
            seed: hasher.finalize().into(),
            tables: Arc::default(),
        }
    }

    /// Tables for the points `[PK, G]`, in that order.
    fn key_and_basepoint_tables(&self) -> &VartimeRistrettoPrecomputation {
        self.tables.get_or_init(|| {
            VartimeRistrettoPrecomputation::new([self.element.point, RISTRETTO_BASEPOINT_POINT])
        })
    }
}

/// The blinded elements a proof is checked against, with variable-time tables for them.
///
/// Every holder of one derivation evaluates the same blinded element, so the combiner builds
/// these tables once and checks every holder's proof with them. Building them costs about a
/// quarter of one multiplication; the two multiplications of each check that involve the
/// blinded element (`M` and `t3`) save more than that (see `docs/benchmarks.md`).
pub(crate) struct BlindedTables {
    elements: Vec<Element>,
    tables: VartimeRistrettoPrecomputation,
}

impl BlindedTables {
    /// Tables for `elements`, which every check against them evaluates in this order.
    pub(crate) fn new(elements: &[Element]) -> Self {
        Self {
            elements: elements.to_vec(),
            tables: VartimeRistrettoPrecomputation::new(
                elements.iter().map(|element| element.point),
            ),
        }
    }
}

/// A Chaum-Pedersen DLEQ proof `(c, s)` as RFC 9497 defines it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Proof {
    pub(crate) c: Scalar,
    pub(crate) s: Scalar,
}

/// The weights `d_i` of RFC 9497 `ComputeComposites`, hashed from the public transcript, each
/// multiplied by `scale` (one for the prover, one half for the verifier).
fn composite_weights<'a>(
    suite: &Suite,
    key: &VerifyingKey,
    pairs: impl Iterator<Item = (&'a Element, &'a Element)>,
    scale: &Scalar,
) -> Vec<Scalar> {
    pairs
        .zip(0u16..)
        .map(|((blinded, evaluated), index)| {
            hash_to_scalar(
                suite,
                &[
                    &64u16.to_be_bytes(),
                    &key.seed,
                    &index.to_be_bytes(),
                    &32u16.to_be_bytes(),
                    &blinded.encoding,
                    &32u16.to_be_bytes(),
                    &evaluated.encoding,
                    b"Composite",
                ],
            ) * scale
        })
        .collect()
}

fn challenge(
    suite: &Suite,
    key: &VerifyingKey,
    m: &[u8; 32],
    z: &[u8; 32],
    t2: &[u8; 32],
    t3: &[u8; 32],
) -> Scalar {
    let len = 32u16.to_be_bytes();
    hash_to_scalar(
        suite,
        &[
            &len,
            &key.element.encoding,
            &len,
            m,
            &len,
            z,
            &len,
            t2,
            &len,
            t3,
            b"Challenge",
        ],
    )
}

/// RFC 9497 `GenerateProof` with an explicit nonce (`r` in the RFC).
///
/// As in [`verify_proofs`], the four transcript points are computed at half their value and
/// encoded with one shared field inversion (`encode_doubled`) instead of four separate ones;
/// the half is folded into the public composite weights and into the nonce, so it costs no
/// extra point multiplication. `t2` and `t3` are not secret once the proof is out (a verifier
/// recomputes them from `c` and `s`), and the batch encoding runs in constant time anyway.
pub(crate) fn generate_proof(
    suite: &Suite,
    secret: &Scalar,
    key: &VerifyingKey,
    pairs: &[(&Element, &Element)],
    nonce: &Scalar,
) -> Proof {
    let half = half();
    let weights = composite_weights(suite, key, pairs.iter().copied(), &half);
    // RFC 9497 `ComputeComposites`: `M = sum d_i * C_i`, `Z = sum d_i * D_i`. Everything is
    // public, so variable time is fine; `ComputeCompositesFast` (`Z = k * M`) gives the same
    // `Z` because `D_i = k * C_i`, but multiplies by the secret.
    let half_m = RistrettoPoint::vartime_multiscalar_mul(
        &weights,
        pairs.iter().map(|(blinded, _)| blinded.point),
    );
    let half_z = RistrettoPoint::vartime_multiscalar_mul(
        &weights,
        pairs.iter().map(|(_, evaluated)| evaluated.point),
    );
    let mut half_nonce = nonce * half;
    let mut halves = [
        half_m,
        half_z,
        RistrettoPoint::mul_base(&half_nonce),
        nonce * half_m,
    ];
    half_nonce.zeroize();
    let mut encoded = [[0u8; 32]; 4];
    encode_doubled(&halves, &mut encoded);
    halves.zeroize();
    let [m_enc, z_enc, t2_enc, t3_enc] = encoded;
    let c = challenge(suite, key, &m_enc, &z_enc, &t2_enc, &t3_enc);
    let s = nonce - c * secret;
    Proof { c, s }
}

/// One proof to check with [`verify_proofs`]: the key it claims and the evaluations of the
/// blinded elements (`evaluated[i]` evaluates blinded element `i`).
#[derive(Clone, Copy)]
pub(crate) struct ProofCheck<'a> {
    pub(crate) key: &'a VerifyingKey,
    pub(crate) evaluated: &'a [Element],
    pub(crate) proof: &'a Proof,
}

/// RFC 9497 `VerifyProof` for one proof; see [`verify_proofs`].
pub(crate) fn verify_proof(
    suite: &Suite,
    key: &VerifyingKey,
    blinded: &BlindedTables,
    evaluated: &[Element],
    proof: &Proof,
) -> Choice {
    let check = ProofCheck {
        key,
        evaluated,
        proof,
    };
    verify_proofs(suite, blinded, &[check])
        .first()
        .copied()
        .unwrap_or_else(|| Choice::from(0))
}

/// RFC 9497 `VerifyProof` for several proofs against the same blinded elements, one result per
/// check in order; each final comparison is constant time. A check whose number of evaluations
/// differs from the number of blinded elements never verifies.
///
/// The transcript points of all the checks are encoded together with one shared field
/// inversion instead of one each: every point is computed at half its value (the one half
/// folded into the public scalars, so no extra multiplication) and `double_and_compress_batch`
/// encodes twice each. The group order is odd, so halving is exact.
///
/// `t3 = s * M + c * Z` is computed as `sum (s * d_i) * C_i + (c * d_i) * D_i`, which gives the
/// same point but lets the blinded elements `C_i` use their precomputed tables, as `M` does;
/// `t2` uses the key's tables.
pub(crate) fn verify_proofs(
    suite: &Suite,
    blinded: &BlindedTables,
    checks: &[ProofCheck<'_>],
) -> Vec<Choice> {
    let half = half();

    // Where each well-formed check's four transcript points start in `halves`.
    let mut transcript_at = Vec::with_capacity(checks.len());
    let mut halves = Vec::with_capacity(4 * checks.len());
    for check in checks {
        let ProofCheck {
            key,
            evaluated,
            proof,
        } = check;
        if evaluated.len() != blinded.elements.len() {
            transcript_at.push(None);
            continue;
        }
        transcript_at.push(Some(halves.len()));

        let weights = composite_weights(suite, key, blinded.elements.iter().zip(*evaluated), &half);
        let evaluated_points = || evaluated.iter().map(|element| element.point);
        halves.push(blinded.tables.vartime_multiscalar_mul(&weights));
        halves.push(RistrettoPoint::vartime_multiscalar_mul(
            &weights,
            evaluated_points(),
        ));
        halves.push(
            key.key_and_basepoint_tables()
                .vartime_multiscalar_mul([proof.c * half, proof.s * half]),
        );
        halves.push(blinded.tables.vartime_mixed_multiscalar_mul(
            weights.iter().map(|weight| proof.s * weight),
            weights.iter().map(|weight| proof.c * weight),
            evaluated_points(),
        ));
    }

    let mut encoded = vec![[0u8; 32]; halves.len()];
    encode_doubled(&halves, &mut encoded);
    checks
        .iter()
        .zip(transcript_at)
        .map(|(check, at)| {
            let transcript = at.and_then(|start| encoded.get(start..start + 4));
            let Some([m, z, t2, t3]) = transcript else {
                return Choice::from(0);
            };
            challenge(suite, check.key, m, z, t2, t3).ct_eq(&check.proof.c)
        })
        .collect()
}

/// `(l + 1) / 2`, the inverse of 2 modulo the group order `l`, little-endian.
const HALF_BYTES: [u8; 32] = [
    247, 233, 122, 46, 141, 49, 9, 44, 107, 206, 123, 81, 239, 124, 111, 10, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 8,
];

fn half() -> Scalar {
    Scalar::from_bytes_mod_order(HALF_BYTES)
}

/// Writes the encoding of `2 * P` for each point of `halves` into the slot of `encoded` at the
/// same position; the two slices have the same length.
///
/// The shared-inversion formula needs every point to be outside the identity class. A forged
/// proof can make its `t2` or `t3` the identity, and then every point of the call is encoded on
/// its own: still exact, but a holder that sends such proofs makes each derivation that checks
/// them pay about one point compression per transcript point (a dozen for a 2-of-3 key).
fn encode_doubled(halves: &[RistrettoPoint], encoded: &mut [[u8; 32]]) {
    debug_assert_eq!(halves.len(), encoded.len());
    if halves.iter().any(|point| point.is_identity()) {
        for (slot, point) in encoded.iter_mut().zip(halves) {
            *slot = (point + point).compress().to_bytes();
        }
        return;
    }
    let batch = RistrettoPoint::double_and_compress_batch(halves);
    for (slot, encoding) in encoded.iter_mut().zip(&batch) {
        *slot = encoding.to_bytes();
    }
}

/// RFC 9497 `Finalize`: `SHA-512(len(input) || input || len(N) || N || "Finalize")`.
pub(crate) fn finalize(input: &[u8], unblinded: &[u8; 32]) -> Result<Zeroizing<[u8; 64]>> {
    let input_len = u16::try_from(input.len()).map_err(|_| Error::InvalidContext {
        reason: "longer than 65535 bytes",
    })?;
    let mut hasher = Sha512::new();
    hasher.update(input_len.to_be_bytes());
    hasher.update(input);
    hasher.update(32u16.to_be_bytes());
    hasher.update(unblinded);
    hasher.update(b"Finalize");
    Ok(Zeroizing::new(hasher.finalize().into()))
}

#[cfg(test)]
mod tests {
    //! RFC 9380 appendix K.3 and RFC 9497 appendix A.1 (ristretto255-SHA512) test vectors.

    use curve25519_dalek::traits::Identity;

    use super::*;

    fn hex32(text: &str) -> [u8; 32] {
        hex::decode(text).unwrap().try_into().unwrap()
    }

    fn scalar(text: &str) -> Scalar {
        decode_scalar(hex32(text)).unwrap()
    }

    const XMD_DST: &[u8] = b"QUUX-V01-CS02-with-expander-SHA512-256";

    #[test]
    fn rfc9380_expand_message_xmd_sha512_32_bytes() {
        let dst = Dst::raw(XMD_DST);
        let cases = [
            (
                "",
                "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba",
            ),
            (
                "abc",
                "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc",
            ),
            (
                "abcdef0123456789",
                "087e45a86e2939ee8b91100af1583c4938e0f5fc6c9db4b107b83346bc967f58",
            ),
        ];
        for (msg, expected) in cases {
            let out = expand_message_xmd::<32>(&[msg.as_bytes()], &dst);
            assert_eq!(hex::encode(out.as_slice()), expected, "msg {msg:?}");
        }
    }

    #[test]
    fn rfc9380_expand_message_xmd_sha512_128_bytes() {
        let dst = Dst::raw(XMD_DST);
        let out = expand_message_xmd::<128>(&[b""], &dst);
        assert_eq!(
            hex::encode(out.as_slice()),
            "41b037d1734a5f8df225dd8c7de38f851efdb45c372887be655212d07251b921\
             b052b62eaed99b46f72f2ef4cc96bfaf254ebbbec091e1a3b9e4fb5e5b619d2e\
             0c5414800a1d882b62bb5cd1778f098b8eb6cb399d5d9d18f5d5842cf5d13d7e\
             b00a7cff859b605da678b318bd0e65ebff70bec88c753b159a805d2c89c55961"
        );
    }

    #[test]
    fn message_split_into_parts_hashes_like_the_concatenation() {
        let dst = Dst::raw(XMD_DST);
        let whole = expand_message_xmd::<64>(&[b"abcdef0123456789"], &dst);
        let parts = expand_message_xmd::<64>(&[b"abcdef", b"", b"0123456789"], &dst);
        assert_eq!(whole.as_slice(), parts.as_slice());
    }

    const SEED: [u8; 32] = [0xa3; 32];
    const KEY_INFO: &[u8] = b"test key";
    const BLIND: &str = "64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706";

    struct OprfVector {
        input: &'static str,
        blinded: &'static str,
        evaluated: &'static str,
        output: &'static str,
    }

    /// RFC 9497 appendix A.1.1: OPRF mode.
    #[test]
    fn rfc9497_oprf_mode_vectors() {
        let secret = derive_key_pair(&OPRF, &SEED, KEY_INFO).unwrap();
        assert_eq!(
            hex::encode(secret.to_bytes()),
            "5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e"
        );
        let vectors = [
            OprfVector {
                input: "00",
                blinded: "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c",
                evaluated: "7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e",
                output: "527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3\
                         ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6",
            },
            OprfVector {
                input: "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a",
                blinded: "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418",
                evaluated: "b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25",
                output: "f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4\
                         f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73",
            },
        ];
        for vector in vectors {
            let input = hex::decode(vector.input).unwrap();
            let blind = scalar(BLIND);
            let blinded = blind * hash_to_group(&OPRF, &[&input]);
            assert_eq!(hex::encode(blinded.compress().as_bytes()), vector.blinded);
            let evaluated = secret * blinded;
            assert_eq!(
                hex::encode(evaluated.compress().as_bytes()),
                vector.evaluated
            );
            let unblinded = blind.invert() * evaluated;
            let output = finalize(&input, &unblinded.compress().to_bytes()).unwrap();
            assert_eq!(hex::encode(output.as_slice()), vector.output);
        }
    }

    struct VoprfVector {
        inputs: &'static [&'static str],
        blinds: &'static [&'static str],
        blinded: &'static [&'static str],
        evaluated: &'static [&'static str],
        proof: &'static str,
        proof_random_scalar: &'static str,
        outputs: &'static [&'static str],
    }

    const OUTPUT_00: &str = "b58cfbe118e0cb94d79b5fd6a6dafb98764dff49c14e1770b566e42402da1a7d\
                             a4d8527693914139caee5bd03903af43a491351d23b430948dd50cde10d32b3c";
    const OUTPUT_5A: &str = "8a9a2f3c7f085b65933594309041fc1898d42d0858e59f90814ae90571a6df60\
                             356f4610bf816f27afdd84f47719e480906d27ecd994985890e5f539e7ea74b6";

    /// RFC 9497 appendix A.1.2: VOPRF mode, including the batched proof of vector 3.
    #[test]
    fn rfc9497_voprf_mode_vectors() {
        let secret = derive_key_pair(&VOPRF, &SEED, KEY_INFO).unwrap();
        assert_eq!(
            hex::encode(secret.to_bytes()),
            "e6f73f344b79b379f1a0dd37e07ff62e38d9f71345ce62ae3a9bc60b04ccd909"
        );
        let public = Element::from_point(RistrettoPoint::mul_base(&secret));
        assert_eq!(
            hex::encode(public.encoding),
            "c803e2cc6b05fc15064549b5920659ca4a77b2cca6f04f6b357009335476ad4e"
        );
        let key = VerifyingKey::with_suite(public, &VOPRF);
        assert!(key == VerifyingKey::new(public));

        let vectors = [
            VoprfVector {
                inputs: &["00"],
                blinds: &[BLIND],
                blinded: &["863f330cc1a1259ed5a5998a23acfd37fb4351a793a5b3c090b642ddc439b945"],
                evaluated: &["aa8fa048764d5623868679402ff6108d2521884fa138cd7f9c7669a9a014267e"],
                proof: "ddef93772692e535d1a53903db24367355cc2cc78de93b3be5a8ffcc6985dd06\
                        6d4346421d17bf5117a2a1ff0fcb2a759f58a539dfbe857a40bce4cf49ec600d",
                proof_random_scalar: "222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e",
                outputs: &[OUTPUT_00],
            },
            VoprfVector {
                inputs: &["5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"],
                blinds: &[BLIND],
                blinded: &["cc0b2a350101881d8a4cba4c80241d74fb7dcbfde4a61fde2f91443c2bf9ef0c"],
                evaluated: &["60a59a57208d48aca71e9e850d22674b611f752bed48b36f7a91b372bd7ad468"],
                proof: "401a0da6264f8cf45bb2f5264bc31e109155600babb3cd4e5af7d181a2c9dc0a\
                        67154fabf031fd936051dec80b0b6ae29c9503493dde7393b722eafdf5a50b02",
                proof_random_scalar: "222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e",
                outputs: &[OUTPUT_5A],
            },
            VoprfVector {
                inputs: &["00", "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"],
                blinds: &[
                    BLIND,
                    "222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e",
                ],
                blinded: &[
                    "863f330cc1a1259ed5a5998a23acfd37fb4351a793a5b3c090b642ddc439b945",
                    "90a0145ea9da29254c3a56be4fe185465ebb3bf2a1801f7124bbbadac751e654",
                ],
                evaluated: &[
                    "aa8fa048764d5623868679402ff6108d2521884fa138cd7f9c7669a9a014267e",
                    "cc5ac221950a49ceaa73c8db41b82c20372a4c8d63e5dded2db920b7eee36a2a",
                ],
                proof: "cc203910175d786927eeb44ea847328047892ddf8590e723c37205cb74600b0a\
                        5ab5337c8eb4ceae0494c2cf89529dcf94572ed267473d567aeed6ab873dee08",
                proof_random_scalar: "419c4f4f5052c53c45f3da494d2b67b220d02118e0857cdbcf037f9ea84bbe0c",
                outputs: &[OUTPUT_00, OUTPUT_5A],
            },
        ];

        for vector in vectors {
            let mut blinded_elements = Vec::new();
            let mut evaluated_elements = Vec::new();
            for (index, input) in vector.inputs.iter().enumerate() {
                let input = hex::decode(input).unwrap();
                let blind = scalar(vector.blinds[index]);
                let blinded = Element::from_point(blind * hash_to_group(&VOPRF, &[&input]));
                assert_eq!(hex::encode(blinded.encoding), vector.blinded[index]);
                let evaluated = Element::from_point(secret * blinded.point);
                assert_eq!(hex::encode(evaluated.encoding), vector.evaluated[index]);
                let unblinded = blind.invert() * evaluated.point;
                let output = finalize(&input, &unblinded.compress().to_bytes()).unwrap();
                assert_eq!(hex::encode(output.as_slice()), vector.outputs[index]);
                blinded_elements.push(blinded);
                evaluated_elements.push(evaluated);
            }
            let pairs: Vec<(&Element, &Element)> = blinded_elements
                .iter()
                .zip(evaluated_elements.iter())
                .collect();

            let nonce = scalar(vector.proof_random_scalar);
            let proof = generate_proof(&VOPRF, &secret, &key, &pairs, &nonce);
            let mut encoded = proof.c.to_bytes().to_vec();
            encoded.extend_from_slice(&proof.s.to_bytes());
            assert_eq!(hex::encode(&encoded), vector.proof);

            let tables = BlindedTables::new(&blinded_elements);
            let verify = |proof: &Proof, evaluated: &[Element]| {
                bool::from(verify_proof(&VOPRF, &key, &tables, evaluated, proof))
            };
            assert!(verify(&proof, &evaluated_elements));

            let mut tampered = proof;
            tampered.s += Scalar::ONE;
            assert!(!verify(&tampered, &evaluated_elements));
            let mut tampered = proof;
            tampered.c += Scalar::ONE;
            assert!(!verify(&tampered, &evaluated_elements));
            if evaluated_elements.len() > 1 {
                let mut swapped = evaluated_elements.clone();
                swapped.reverse();
                assert!(!verify(&proof, &swapped), "evaluations in the wrong order");
                assert!(
                    !verify(&proof, &evaluated_elements[..1]),
                    "fewer evaluations"
                );
            }
        }
    }

    #[test]
    fn identity_and_non_canonical_encodings_are_rejected() {
        assert!(Element::decode([0u8; 32]).is_none(), "identity");
        assert!(Element::decode([0xff; 32]).is_none(), "non-canonical");
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(Element::decode(one).is_none(), "negative field element");
        assert!(
            Element::decode(RistrettoPoint::mul_base(&Scalar::ONE).compress().to_bytes()).is_some()
        );

        let order = hex32("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        assert!(decode_scalar(order).is_none(), "the group order itself");
        assert!(decode_scalar([0xff; 32]).is_none());
        assert!(decode_scalar([0u8; 32]).is_some(), "zero is canonical");
    }

    #[test]
    fn half_is_the_inverse_of_two() {
        assert_eq!(half() * Scalar::from(2u8), Scalar::ONE);
        assert_eq!(half().to_bytes(), HALF_BYTES, "canonical");
    }

    #[test]
    fn verification_handles_identity_transcript_points() {
        // c = s = 0 makes t2 and t3 the identity; the batch encoder must not be used then,
        // and the proof must simply fail.
        let secret = Scalar::from(5u8);
        let key = VerifyingKey::new(Element::from_point(RistrettoPoint::mul_base(&secret)));
        let blinded = Element::from_point(RistrettoPoint::mul_base(&Scalar::from(9u8)));
        let evaluated = Element::from_point(secret * blinded.point);
        let zero = Proof {
            c: Scalar::ZERO,
            s: Scalar::ZERO,
        };
        assert!(!bool::from(verify_proof(
            &VOPRF,
            &key,
            &BlindedTables::new(&[blinded]),
            &[evaluated],
            &zero
        )));
        let halves = [
            RistrettoPoint::identity(),
            blinded.point,
            blinded.point,
            evaluated.point,
        ];
        let mut encoded = [[1u8; 32]; 4];
        encode_doubled(&halves, &mut encoded);
        assert_eq!(encoded[0], [0u8; 32]);
        assert_eq!(
            encoded[1],
            (blinded.point + blinded.point).compress().to_bytes()
        );
    }

    #[test]
    fn malformed_checks_in_a_batch_fail_without_moving_the_others() {
        let secret = Scalar::from(5u8);
        let key = VerifyingKey::new(Element::from_point(RistrettoPoint::mul_base(&secret)));
        let blinded = Element::from_point(RistrettoPoint::mul_base(&Scalar::from(9u8)));
        let evaluated = Element::from_point(secret * blinded.point);
        let nonce = Scalar::from(11u8);
        let proof = generate_proof(&VOPRF, &secret, &key, &[(&blinded, &evaluated)], &nonce);
        let tables = BlindedTables::new(&[blinded]);

        let good = ProofCheck {
            key: &key,
            evaluated: std::slice::from_ref(&evaluated),
            proof: &proof,
        };
        let two = [evaluated, evaluated];
        let too_many = ProofCheck {
            evaluated: &two,
            ..good
        };
        let none = ProofCheck {
            evaluated: &[],
            ..good
        };
        let results: Vec<bool> = verify_proofs(&VOPRF, &tables, &[good, too_many, none, good])
            .into_iter()
            .map(bool::from)
            .collect();
        assert_eq!(results, [true, false, false, true]);
        assert!(verify_proofs(&VOPRF, &tables, &[]).is_empty());
    }

    #[test]
    fn random_scalar_accepts_zero_from_the_source() {
        // The sampler has no rejection step: an all-zero draw gives the zero coefficient.
        let mut zeros = |bytes: &mut [u8]| {
            bytes.fill(0);
            Ok(())
        };
        let scalar = random_scalar_with(&mut zeros).unwrap();
        assert_eq!(*scalar, Scalar::ZERO);
    }
}
