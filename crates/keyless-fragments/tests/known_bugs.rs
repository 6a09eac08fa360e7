//! One test per row of the known-bug table (crypto-design section 4): each reproduces the bad
//! input of a published bug or advisory against this crate and checks that it is refused.
//!
//! Two rows are checked where the code lives, because they need internals: the polynomial
//! sampler (RUSTSEC-2024-0398, `keys::tests`) and wiping on drop (RUSTSEC-2021-0115,
//! `keys::tests`). The tests here say so and exercise what the public API can show.

mod common;

use common::{Fixture, GROUP_ORDER, offset, patch};
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use keyless_fragments::{
    DerivedPartial, Envelope, Epoch, Error, HolderId, ItemContext, KeyId, Roster, TAG_LEN,
    deal_refresh,
};
use secrecy::ExposeSecret;

fn holder(id: u16) -> HolderId {
    HolderId::new(id).unwrap()
}

/// RUSTSEC-2024-0398 (sharks): coefficients were never zero. Our sampler is checked
/// statistically in `keys::tests::rustsec_2024_0398_coefficients_are_uniform_and_include_zero`;
/// here: fresh dealings of the same size never repeat a commitment or a public share.
#[test]
fn rustsec_2024_0398_dealings_are_independent() {
    let first = Fixture::new(3, 5);
    let second = Fixture::new(3, 5);
    for (a, b) in first
        .roster
        .commitments()
        .iter()
        .zip(second.roster.commitments().iter())
    {
        assert_ne!(a, b);
    }
}

/// RUSTSEC-2020-0160 (shamir): the threshold parameter was ignored.
#[test]
fn rustsec_2020_0160_t_minus_one_shares_give_no_key() {
    let fixture = Fixture::new(3, 5);
    let error = fixture.derive(&[2, 5]).unwrap_err();
    assert!(
        matches!(error, Error::InsufficientPartials { have: 2, need: 3 }),
        "{error:?}"
    );
}

/// Vault `shamir.Combine`: two parts of a 3-of-5 set silently gave a wrong secret.
#[test]
fn vault_combine_two_of_three_of_five_is_refused() {
    let fixture = Fixture::new(3, 5);
    let error = fixture.derive(&[1, 4]).unwrap_err();
    assert!(
        matches!(error, Error::InsufficientPartials { have: 2, need: 3 }),
        "{error:?}"
    );
}

/// Vault `shamir.Combine`: one forged part in a threshold set gave a wrong secret silently.
#[test]
fn vault_combine_forged_partial_in_a_t_set_is_named() {
    let fixture = Fixture::new(3, 5);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2, 3]);
    let forged = RistrettoPoint::mul_base(&Scalar::from(7u8))
        .compress()
        .to_bytes();
    partials[1] = patch(&partials[1], offset::ELEMENT, &forged);

    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidProof { holders } if holders == &[holder(2)]),
        "{error:?}"
    );
}

/// Vault CVE-2023-25000: GF(256) log/exp table lookups leaked timing. A design rule: this crate
/// interpolates in the exponent over Z_l with curve25519-dalek and has no lookup tables of its
/// own. This static check fails if a 256-entry table ever appears in the sources.
#[test]
fn cve_2023_25000_no_secret_indexed_tables_in_the_sources() {
    let source_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    for entry in std::fs::read_dir(source_dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // Unit tests at the end of a file may use such arrays (e.g. histogram buckets).
        let text = text.split("\n#[cfg(test)]\nmod tests").next().unwrap();
        for pattern in ["; 256]", ";256]", "LOG_TABLE", "EXP_TABLE"] {
            assert!(
                !text.contains(pattern),
                "{} contains {pattern}",
                path.display()
            );
        }
    }
}

/// renproject/shamir #36, corvus-ch/shamir PR 1, TOB-BSV-2: x = 0 is the secret itself.
#[test]
fn zero_holder_id_is_refused() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[0] = patch(&partials[0], offset::HOLDER, &[0, 0]);

    let error = pending.finish(&partials).unwrap_err();
    assert!(matches!(error, Error::ZeroHolderId), "{error:?}");
    assert!(matches!(HolderId::new(0), Err(Error::ZeroHolderId)));
}

/// renproject/shamir #36 (second half): a duplicate x drops below the threshold.
#[test]
fn two_partials_with_the_same_id_are_refused() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[1] = patch(&partials[1], offset::HOLDER, &1u16.to_be_bytes());

    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::DuplicateHolderId { holder: h } if h == holder(1)),
        "{error:?}"
    );
}

/// dsprenkels/sss-rs #1: the same share submitted twice.
#[test]
fn the_same_partial_twice_is_refused_and_the_holder_named() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[3]);
    partials.push(partials[0]);

    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::DuplicateHolderId { holder: h } if h == holder(3)),
        "{error:?}"
    );
}

/// sharks `recover`: t distinct shares plus one duplicate; the duplicate's term was added
/// twice. A duplicate customer partial is refused the same way.
#[test]
fn t_distinct_partials_plus_one_duplicate_are_refused() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials.push(partials[0]);
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::DuplicateHolderId { holder: h } if h == holder(1)),
        "{error:?}"
    );

    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials.push(partials[2]);
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::DuplicateHolderId { holder: h } if h == HolderId::CUSTOMER),
        "{error:?}"
    );
}

/// frost-core identifiers: an identifier that is not in the roster.
#[test]
fn unknown_holder_id_is_refused() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[0] = patch(&partials[0], offset::HOLDER, &4u16.to_be_bytes());

    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::UnknownHolderId { holder: h } if h == holder(4)),
        "{error:?}"
    );
}

/// Trail of Bits 2024 (Pedersen DKG, fixed in ZF FROST): a commitment vector longer than t
/// silently raises the threshold. There is no DKG here; the same check guards the roster and
/// the refresh update, which both carry commitment vectors.
#[test]
fn commitment_vector_longer_than_t_is_refused() {
    let fixture = Fixture::new(2, 3);
    let mut json: serde_json::Value = serde_json::to_value(&fixture.roster).unwrap();
    let commitments = json["commitments"].as_array_mut().unwrap();
    let extra = commitments[1].clone();
    commitments.push(extra);
    let error = serde_json::from_value::<Roster>(json)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("number of commitments must equal the threshold"),
        "{error}"
    );

    let refresh = deal_refresh(&fixture.roster).unwrap();
    let mut longer = refresh.update.commitments();
    longer.push(longer[0]);
    let update = keyless_fragments::RosterUpdate::from_parts(
        fixture.key_id,
        fixture.version,
        fixture.roster.epoch(),
        &longer,
    )
    .unwrap();
    let error = fixture.roster.apply(&update).unwrap_err();
    assert!(matches!(error, Error::InvalidRefresh { .. }), "{error:?}");
    let error = fixture
        .share(1)
        .refresh(&refresh.deltas[0], &update)
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRefresh { .. }), "{error:?}");
}

/// RFC 9497 sections 2.1 and 3.3.1: the identity element as an evaluated element.
#[test]
fn identity_evaluated_element_is_refused() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[1] = patch(&partials[1], offset::ELEMENT, &[0u8; 32]);

    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::InvalidElement { holder: Some(h), .. } if h == holder(2)),
        "{error:?}"
    );
    assert!(matches!(
        keyless_fragments::BlindedElement::from_bytes(&[0u8; 32]),
        Err(Error::InvalidElement { .. })
    ));
}

/// RFC 9497: a non-canonical element encoding (0xff x 32).
#[test]
fn non_canonical_evaluated_element_is_refused() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[2] = patch(&partials[2], offset::ELEMENT, &[0xff; 32]);

    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::InvalidElement { holder: Some(h), .. } if h == HolderId::CUSTOMER),
        "{error:?}"
    );
}

/// RFC 9497: a proof scalar equal to the group order l (non-canonical).
#[test]
fn proof_scalar_equal_to_the_group_order_is_refused() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    for field in [offset::PROOF_S, offset::PROOF_C] {
        let mut partials = fixture.partials(&pending, &[1, 2]);
        partials[0] = patch(&partials[0], field, &GROUP_ORDER);
        let error = pending.finish(&partials).unwrap_err();
        assert!(
            matches!(error, Error::InvalidScalar { holder: Some(h), .. } if h == holder(1)),
            "{error:?}"
        );
    }
}

/// DLEQ forgery: a random point with a proof taken from a valid partial is named, and the
/// combination still succeeds when t other valid partials exist.
#[test]
fn dleq_forgery_is_named_and_other_partials_still_combine() {
    let fixture = Fixture::new(2, 3);
    let reference = fixture.derive(&[1, 2]).unwrap();

    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2, 3]);
    let random_point = RistrettoPoint::mul_base(&Scalar::from(123_456u32))
        .compress()
        .to_bytes();
    partials[0] = patch(&partials[0], offset::ELEMENT, &random_point);

    let key = pending.finish(&partials).unwrap();
    assert_eq!(key.key_check(), reference.key_check());

    let without_spare: Vec<DerivedPartial> = partials
        .iter()
        .copied()
        .filter(|p| p.holder() != Some(holder(3)))
        .collect();
    let error = pending.finish(&without_spare).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidProof { holders } if holders == &[holder(1)]),
        "{error:?}"
    );
}

/// Replay: an answer to an earlier request fails against a fresh blinded element.
#[test]
fn replayed_partial_from_an_earlier_request_fails_its_proof() {
    let fixture = Fixture::new(2, 3);
    let earlier = fixture.start();
    let old = fixture.partials(&earlier, &[1]);

    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[0] = old[0];
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidProof { holders } if holders == &[holder(1)]),
        "{error:?}"
    );

    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[2] = old[1];
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidProof { holders } if holders == &[HolderId::CUSTOMER]),
        "{error:?}"
    );
}

/// A stale share after a refresh (epoch - 1) and a partial for another key are refused by
/// name, before any proof work.
#[test]
fn wrong_epoch_and_wrong_key_are_refused() {
    let fixture = Fixture::new(2, 3);
    let refresh = deal_refresh(&fixture.roster).unwrap();
    let new_roster = fixture.roster.apply(&refresh.update).unwrap();
    let pending =
        keyless_fragments::PendingDerivation::start(&new_roster, &fixture.context).unwrap();

    let stale = fixture.share(1);
    let error = stale.evaluate(pending.request()).unwrap_err();
    assert!(matches!(error, Error::EpochMismatch { .. }), "{error:?}");

    let new_share = fixture
        .share(2)
        .refresh(&refresh.deltas[1], &refresh.update)
        .unwrap();
    let mut partials = vec![
        new_share.evaluate(pending.request()).unwrap(),
        fixture.customer.evaluate(pending.request()).unwrap(),
    ];
    // An old-epoch partial: evaluated by the stale share for the old epoch's request.
    let old_pending = fixture.start();
    partials.push(stale.evaluate(old_pending.request()).unwrap());
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(
            error,
            Error::EpochMismatch { holder: Some(h), expected, found, .. }
                if h == holder(1) && expected == Epoch::new(1) && found == Epoch::new(0)
        ),
        "{error:?}"
    );

    let other_key = KeyId::generate().unwrap();
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[1] = patch(&partials[1], offset::KEY_ID, other_key.as_bytes());
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::KeyMismatch { holder: Some(h), .. } if h == holder(2)),
        "{error:?}"
    );

    let mut partials = fixture.partials(&pending, &[1, 2]);
    partials[0] = patch(&partials[0], offset::KEY_VERSION, &9u32.to_be_bytes());
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::KeyMismatch { holder: Some(h), .. } if h == holder(1)),
        "{error:?}"
    );
}

/// Mismatched lengths (Vault requires equal lengths): truncated or extended encodings are
/// refused, never padded or cut.
#[test]
fn truncated_or_extended_encodings_are_refused() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let partial = fixture.partials(&pending, &[1])[0].to_bytes();
    for len in [0, 1, 123, 125, 248] {
        let mut bytes = partial.to_vec();
        bytes.resize(len, 0);
        let error = DerivedPartial::from_bytes(&bytes).unwrap_err();
        assert!(
            matches!(error, Error::MalformedLength { expected: 124, found, .. } if found == len),
            "{error:?}"
        );
    }

    let key = fixture.derive(&[1, 2]).unwrap();
    let sealed = key.seal(b"value").unwrap().into_bytes();
    let short_tag = &sealed[..sealed.len() - 5 - TAG_LEN + 1];
    assert!(Envelope::from_bytes(short_tag).is_err());
    for len in 0..keyless_fragments::OVERHEAD {
        let error = Envelope::from_bytes(&sealed[..len]).unwrap_err();
        assert!(matches!(error, Error::MalformedLength { .. }), "{error:?}");
    }
    assert!(matches!(
        keyless_fragments::BlindedElement::from_bytes(&[1u8; 31]),
        Err(Error::MalformedLength {
            expected: 32,
            found: 31,
            ..
        })
    ));
}

/// RUSTSEC-2023-0096 (aes-gcm): plaintext was left in the caller's buffer after a failed tag
/// check. Opening returns nothing on a tampered tag, a flipped associated-data bit or another
/// item's context; the working buffer is a wiping container that is dropped on failure.
#[test]
fn tampered_tag_aad_or_context_returns_nothing() {
    let fixture = Fixture::new(2, 3);
    let key = fixture.derive(&[1, 2]).unwrap();
    let sealed = key.seal(b"top secret value").unwrap().into_bytes();

    let mut tag_flipped = sealed.clone();
    *tag_flipped.last_mut().unwrap() ^= 0x01;
    let envelope = Envelope::from_bytes(&tag_flipped).unwrap();
    assert!(matches!(key.open(&envelope), Err(Error::Decrypt)));

    // Header bytes are the first part of the associated data (item version at offset 28).
    let mut header_flipped = sealed.clone();
    header_flipped[28 + 7] ^= 0x01;
    let envelope = Envelope::from_bytes(&header_flipped).unwrap();
    assert!(matches!(key.open(&envelope), Err(Error::Decrypt)));

    let other_item = ItemContext::new(
        fixture.key_id,
        fixture.version,
        "/mdapi/billing/db/PASSWORE",
        4,
    )
    .unwrap();
    let pending =
        keyless_fragments::PendingDerivation::start(&fixture.roster, &other_item).unwrap();
    let partials = fixture.partials(&pending, &[1, 2]);
    let other_key = pending.finish(&partials).unwrap();
    let envelope = Envelope::from_bytes(&sealed).unwrap();
    assert!(matches!(other_key.open(&envelope), Err(Error::Decrypt)));
    assert_eq!(
        key.open(&envelope).unwrap().expose_secret(),
        b"top secret value"
    );
}

/// RUSTSEC-2024-0344 (curve25519-dalek < 4.1.3): a compiler-introduced branch in scalar
/// subtraction. The lock file must pin a fixed version.
#[test]
fn rustsec_2024_0344_curve25519_dalek_is_at_least_4_1_3() {
    let lock =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    let mut versions = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"curve25519-dalek\"" {
            let version = lines.next().unwrap();
            let version = version
                .trim_start_matches("version = \"")
                .trim_end_matches('"');
            let parts: Vec<u32> = version
                .split('.')
                .map(|part| part.parse().unwrap())
                .collect();
            versions.push((parts[0], parts[1], parts[2]));
        }
    }
    assert!(
        !versions.is_empty(),
        "curve25519-dalek not found in Cargo.lock"
    );
    for version in versions {
        assert!(
            version >= (4, 1, 3),
            "curve25519-dalek {version:?} is affected"
        );
    }
}

// RUSTSEC-2021-0115 (zeroize_derive: `Drop` missing for enums) is checked with a drop
// observer in `keys::tests::rustsec_2021_0115_secret_storage_is_wiped_on_drop`, and the
// secret types carry `compile_fail` doctests showing they are neither `Copy` nor `Clone`.

/// RUSTSEC-2025-0129 (cggmp21): a missing check in a proof. Every field of a partial altered
/// in turn is rejected, with exactly t SaaS partials so nothing can be skipped.
#[test]
fn rustsec_2025_0129_every_altered_field_is_rejected() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let fields: [(usize, usize); 7] = [
        (offset::HOLDER, 2),
        (offset::KEY_ID, 16),
        (offset::KEY_VERSION, 4),
        (offset::EPOCH, 4),
        (offset::ELEMENT, 32),
        (offset::PROOF_C, 32),
        (offset::PROOF_S, 32),
    ];
    for index in 0..3 {
        for (start, len) in fields {
            let partials = fixture.partials(&pending, &[1, 3]);
            let mut bytes = partials[index].to_bytes();
            // Change the low bit of the field's last byte: a small, "plausible" alteration.
            bytes[start + len - 1] ^= 0x01;
            let mut altered = partials.clone();
            altered[index] = DerivedPartial::from_bytes(&bytes).unwrap();
            assert!(
                pending.finish(&altered).is_err(),
                "partial {index}, field at offset {start} accepted after alteration"
            );
        }
    }
}

/// Lagrange with duplicate ids (measured): ids [1, 1, 2] are refused before any coefficient
/// is computed (see also `derive::tests::lagrange_rejects_duplicate_ids_before_any_arithmetic`).
#[test]
fn lagrange_duplicate_ids_1_1_2_are_refused() {
    let fixture = Fixture::new(3, 3);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2, 3]);
    partials[2] = patch(&partials[2], offset::HOLDER, &1u16.to_be_bytes());
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(error, Error::DuplicateHolderId { holder: h } if h == holder(1)),
        "{error:?}"
    );
}

/// Customer fragment absent (Akeyless semantics): SaaS partials alone give nothing.
#[test]
fn t_valid_saas_partials_without_the_customer_give_no_key() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let partials = fixture.saas_only(&pending, &[1, 2, 3]);
    let error = pending.finish(&partials).unwrap_err();
    assert!(matches!(error, Error::MissingCustomerFragment), "{error:?}");
    let error =
        pending.finish_optimistic(&partials, &keyless_fragments::KeyCheck::from_bytes([0; 16]));
    assert!(matches!(error, Err(Error::MissingCustomerFragment)));
}
