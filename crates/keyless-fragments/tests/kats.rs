//! Known-answer tests for the primitives this crate builds on, run on every CI run
//! (RUSTSEC-2021-0100: sha2's AVX2 backend once miscomputed long messages).
//!
//! The RFC 9497 / RFC 9380 vectors for the VOPRF layer itself are unit tests in `suite.rs`,
//! because they need a fixed blind and proof nonce.

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256, Sha512};

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text.split_whitespace().collect::<String>()).unwrap()
}

/// FIPS 180 long-message vector: one million times 'a'.
#[test]
fn rustsec_2021_0100_sha512_and_sha256_long_message() {
    let million_a = vec![b'a'; 1_000_000];
    assert_eq!(
        hex::encode(Sha512::digest(&million_a)),
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb\
         de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"
    );
    assert_eq!(
        hex::encode(Sha256::digest(&million_a)),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );

    // Fed in odd-sized pieces, the incremental API must agree.
    let mut hasher = Sha512::new();
    for chunk in million_a.chunks(997) {
        hasher.update(chunk);
    }
    assert_eq!(hasher.finalize(), Sha512::digest(&million_a));
}

/// RFC 5869 appendix A.1 (HKDF-SHA-256, basic test case).
#[test]
fn hkdf_sha256_rfc5869_case_1() {
    let ikm = [0x0b; 22];
    let salt = unhex("000102030405060708090a0b0c");
    let info = unhex("f0f1f2f3f4f5f6f7f8f9");
    let (prk, hkdf) = Hkdf::<Sha256>::extract(Some(&salt), &ikm);
    assert_eq!(
        hex::encode(prk),
        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"
    );
    let mut okm = [0u8; 42];
    hkdf.expand(&info, &mut okm).unwrap();
    assert_eq!(
        hex::encode(okm),
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    );
}

/// draft-irtf-cfrg-xchacha, appendix A.3.1 (AEAD_XChaCha20_Poly1305).
#[test]
fn xchacha20_poly1305_draft_vector() {
    let key = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    let nonce = unhex("404142434445464748494a4b4c4d4e4f5051525354555657");
    let aad = unhex("50515253c0c1c2c3c4c5c6c7");
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one \
                      tip for the future, sunscreen would be it.";
    let expected = unhex(
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
         731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
         2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
         21f9664c97637da9768812f615c68b13b52e",
    );
    let expected_tag = unhex("c0875924c1c7987947deafd8780acf49");

    let cipher = XChaCha20Poly1305::new_from_slice(&key).unwrap();
    let nonce = XNonce::try_from(nonce.as_slice()).unwrap();
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(&nonce, &aad, buffer.as_mut_slice().into())
        .unwrap();
    assert_eq!(buffer, expected);
    assert_eq!(tag.as_slice(), expected_tag.as_slice());

    cipher
        .decrypt_inout_detached(&nonce, &aad, buffer.as_mut_slice().into(), &tag)
        .unwrap();
    assert_eq!(buffer, plaintext);
}
