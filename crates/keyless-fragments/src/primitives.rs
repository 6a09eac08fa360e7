//! Building blocks exposed only so that the benchmarks can time them next to the protocol.
//! Not part of the API: hidden from the documentation and free to change.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;

use crate::error::Result;
use crate::suite::{
    self, BlindedTables, Element, Proof, VOPRF, VerifyingKey, generate_proof, random_nonzero_scalar,
};

/// RFC 9497 `HashToGroup` in VOPRF mode.
pub fn hash_to_group(input: &[u8]) -> RistrettoPoint {
    suite::hash_to_group(&VOPRF, &[input])
}

/// One holder's evaluation with its proof, ready to be verified.
pub struct DleqCase {
    key: VerifyingKey,
    blinded: Element,
    evaluated: Element,
    proof: Proof,
}

impl DleqCase {
    /// Evaluates a random blinded element with `secret` and proves it.
    pub fn new(secret: &Scalar) -> Result<Self> {
        let key = VerifyingKey::new(Element::from_point(RistrettoPoint::mul_base(secret)));
        let blind = random_nonzero_scalar()?;
        let blinded = Element::from_point(RistrettoPoint::mul_base(&blind));
        let evaluated = Element::from_point(secret * blinded.point);
        let nonce = random_nonzero_scalar()?;
        let proof = generate_proof(&VOPRF, secret, &key, &[(&blinded, &evaluated)], &nonce);
        Ok(Self {
            key,
            blinded,
            evaluated,
            proof,
        })
    }

    /// RFC 9497 `VerifyProof` for this single evaluation, including the tables for the blinded
    /// element that a derivation builds once for all its checks. The key's tables are built by
    /// the first call and reused, as a roster's are.
    pub fn verify(&self) -> bool {
        suite::verify_proof(
            &VOPRF,
            &self.key,
            &BlindedTables::new(&[self.blinded]),
            &[self.evaluated],
            &self.proof,
        )
        .into()
    }
}
