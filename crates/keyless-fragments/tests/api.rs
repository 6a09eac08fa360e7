//! Behaviour of the public API: serialisation, refresh, the optimistic path, contexts,
//! envelopes and redaction.

mod common;

use common::{Fixture, offset, patch};
use keyless_fragments::{
    BlindedElement, BlindedRequest, CustomerFragment, DerivedPartial, Envelope, Epoch, Error,
    HolderId, ItemContext, KeyCheck, KeyId, KeyVersion, PARTIAL_LEN, PendingDerivation, Purpose,
    Roster, SaasShare, Threshold, deal_refresh, deal_saas_shares,
};
use secrecy::ExposeSecret;

#[test]
fn every_t_subset_derives_the_same_key_and_opens_the_same_envelope() {
    let fixture = Fixture::new(3, 5);
    let key = fixture.derive(&[1, 2, 3]).unwrap();
    let envelope = key.seal(b"value").unwrap();
    for subset in [[1, 2, 4], [5, 3, 1], [2, 4, 5], [3, 4, 5]] {
        let other = fixture.derive(&subset).unwrap();
        assert_eq!(other.key_check(), key.key_check());
        assert_eq!(other.open(&envelope).unwrap().expose_secret(), b"value");
    }
}

#[test]
fn more_than_t_partials_are_accepted() {
    let fixture = Fixture::new(2, 4);
    let key = fixture.derive(&[1, 2, 3, 4]).unwrap();
    assert_eq!(
        key.key_check(),
        fixture.derive(&[3, 4]).unwrap().key_check()
    );
}

#[test]
fn one_of_n_and_n_of_n_work() {
    for (threshold, holders) in [(1, 1), (1, 3), (3, 3)] {
        let fixture = Fixture::new(threshold, holders);
        let ids: Vec<u16> = (1..=threshold).collect();
        let key = fixture.derive(&ids).unwrap();
        let last: Vec<u16> = (holders - threshold + 1..=holders).collect();
        assert_eq!(key.key_check(), fixture.derive(&last).unwrap().key_check());
    }
}

#[test]
fn different_items_versions_purposes_and_tenants_get_different_keys() {
    let fixture = Fixture::new(2, 3);
    let derive = |context: &ItemContext| {
        let pending = PendingDerivation::start(&fixture.roster, context).unwrap();
        pending
            .finish(&fixture.partials(&pending, &[1, 2]))
            .unwrap()
            .key_check()
    };
    let base = derive(&fixture.context);
    let path = fixture.context.item_path();
    let variants = [
        ItemContext::new(fixture.key_id, fixture.version, path, 5).unwrap(),
        ItemContext::new(fixture.key_id, fixture.version, "/mdapi/other", 4).unwrap(),
        fixture
            .context
            .clone()
            .with_purpose(Purpose::from_byte(2))
            .unwrap(),
        fixture.context.clone().with_tenant("acme").unwrap(),
    ];
    for variant in &variants {
        assert_ne!(derive(variant), base, "{variant:?}");
    }
    assert_eq!(
        derive(&fixture.context.clone()),
        base,
        "derivation is deterministic"
    );
}

#[test]
fn context_encoding_follows_the_documented_layout() {
    let key_id = KeyId::from_bytes([0x11; 16]);
    let context = ItemContext::new(key_id, KeyVersion::new(2), "/a/b", 9)
        .unwrap()
        .with_tenant("t1")
        .unwrap();
    let mut expected = b"DFC-core/v1".to_vec();
    expected.extend_from_slice(&[0, 2, b't', b'1']);
    expected.extend_from_slice(&[0, 16]);
    expected.extend_from_slice(&[0x11; 16]);
    expected.extend_from_slice(&[0, 4, 0, 0, 0, 2]);
    expected.extend_from_slice(&[0, 4, b'/', b'a', b'/', b'b']);
    expected.extend_from_slice(&[0, 8, 0, 0, 0, 0, 0, 0, 0, 9]);
    expected.extend_from_slice(&[0, 1, 1]);
    assert_eq!(context.as_bytes(), expected.as_slice());
}

#[test]
fn long_paths_are_hashed_and_stay_distinct() {
    let key_id = KeyId::from_bytes([1; 16]);
    let long_a = "a".repeat(100_000);
    let mut long_b = long_a.clone();
    long_b.push('b');
    let a = ItemContext::new(key_id, KeyVersion::new(1), &long_a, 1).unwrap();
    let b = ItemContext::new(key_id, KeyVersion::new(1), &long_b, 1).unwrap();
    assert!(a.as_bytes().len() < 200);
    assert_ne!(a.as_bytes(), b.as_bytes());
    assert!(a.as_bytes().windows(2).any(|pair| pair == [0xff, 0xff]));

    let limit = "x".repeat(keyless_fragments::MAX_INLINE_PATH);
    let inline = ItemContext::new(key_id, KeyVersion::new(1), &limit, 1).unwrap();
    assert!(inline.as_bytes().len() > keyless_fragments::MAX_INLINE_PATH);
}

#[test]
fn invalid_contexts_are_refused() {
    let key_id = KeyId::from_bytes([1; 16]);
    assert!(matches!(
        ItemContext::new(key_id, KeyVersion::new(1), "", 1),
        Err(Error::InvalidContext { .. })
    ));
    let context = ItemContext::new(key_id, KeyVersion::new(1), "/x", 1).unwrap();
    assert!(matches!(
        context.with_tenant(&"t".repeat(256)),
        Err(Error::InvalidContext { .. })
    ));
}

#[test]
fn start_refuses_a_context_for_another_key() {
    let fixture = Fixture::new(2, 3);
    let other = ItemContext::new(
        fixture.key_id,
        KeyVersion::new(99),
        fixture.context.item_path(),
        1,
    )
    .unwrap();
    let error = PendingDerivation::start(&fixture.roster, &other).unwrap_err();
    assert!(matches!(error, Error::KeyMismatch { .. }), "{error:?}");
}

#[test]
fn holders_refuse_requests_for_another_key_or_epoch() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let request = pending.request();
    let blinded = *request.blinded();
    let other_key = BlindedRequest::new(
        KeyId::from_bytes([9; 16]),
        fixture.version,
        Epoch::INITIAL,
        blinded,
    );
    assert!(matches!(
        fixture.share(1).evaluate(&other_key),
        Err(Error::KeyMismatch { .. })
    ));
    assert!(matches!(
        fixture.customer.evaluate(&other_key),
        Err(Error::KeyMismatch { .. })
    ));
    let other_epoch = BlindedRequest::new(fixture.key_id, fixture.version, Epoch::new(5), blinded);
    assert!(matches!(
        fixture.share(1).evaluate(&other_epoch),
        Err(Error::EpochMismatch { .. })
    ));
    // The customer fragment is not re-shared on refresh and echoes the epoch; the combiner
    // checks it against its roster.
    let answer = fixture.customer.evaluate(&other_epoch).unwrap();
    assert_eq!(answer.epoch(), Epoch::new(5));
}

#[test]
fn wire_forms_round_trip() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let request = pending.request();
    let blinded = BlindedElement::from_bytes(&request.blinded().to_bytes()).unwrap();
    assert_eq!(&blinded, request.blinded());
    assert_eq!(request.key_id(), fixture.key_id);
    assert_eq!(request.key_version(), fixture.version);
    assert_eq!(request.epoch(), Epoch::INITIAL);

    for partial in fixture.partials(&pending, &[1, 2]) {
        let bytes = partial.to_bytes();
        assert_eq!(bytes.len(), PARTIAL_LEN);
        assert_eq!(&bytes[..2], &[1, 1], "version and suite");
        assert_eq!(DerivedPartial::from_bytes(&bytes).unwrap(), partial);
    }
    let customer = fixture.customer.evaluate(request).unwrap();
    assert_eq!(customer.holder(), Some(HolderId::CUSTOMER));
    assert_eq!(
        DerivedPartial::from_base64(&customer.to_base64()).unwrap(),
        customer
    );
    assert_eq!(
        BlindedElement::from_base64(&blinded.to_base64()).unwrap(),
        blinded
    );
    assert!(matches!(
        DerivedPartial::from_base64(&blinded.to_base64()),
        Err(Error::MalformedLength {
            expected: 124,
            found: 32,
            ..
        })
    ));
    assert!(BlindedElement::from_base64("not base64").is_err());
    assert_eq!(&customer.to_bytes()[2..4], &[0xff, 0xff]);

    let mut unknown_version = customer.to_bytes();
    unknown_version[0] = 2;
    assert!(matches!(
        DerivedPartial::from_bytes(&unknown_version),
        Err(Error::Unsupported {
            field: "version",
            value: 2,
            ..
        })
    ));
    let mut unknown_suite = customer.to_bytes();
    unknown_suite[1] = 7;
    assert!(matches!(
        DerivedPartial::from_bytes(&unknown_suite),
        Err(Error::Unsupported {
            field: "suite",
            value: 7,
            ..
        })
    ));
}

#[test]
fn key_id_base64_round_trips_and_rejects_bad_input() {
    let key_id = KeyId::generate().unwrap();
    let text = key_id.to_base64();
    assert_eq!(text.len(), 24);
    assert_eq!(KeyId::from_base64(&text).unwrap(), key_id);
    assert_eq!(key_id.to_string(), text);
    assert!(matches!(
        KeyId::from_base64("AAAA"),
        Err(Error::MalformedLength { found: 3, .. })
    ));
    assert!(KeyId::from_base64(&"A".repeat(28)).is_err());
    assert!(KeyId::from_base64("!!!not base64!!!").is_err());
    assert_eq!(
        serde_json::to_string(&key_id).unwrap(),
        format!("\"{text}\"")
    );
}

#[test]
fn finish_can_be_retried_after_gathering_more_partials() {
    let fixture = Fixture::new(3, 4);
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2]);
    assert!(matches!(
        pending.finish(&partials),
        Err(Error::InsufficientPartials { have: 2, need: 3 })
    ));
    partials.push(fixture.share(4).evaluate(pending.request()).unwrap());
    let key = pending.finish(&partials).unwrap();
    assert_eq!(
        key.key_check(),
        fixture.derive(&[1, 2, 3]).unwrap().key_check()
    );
}

#[test]
fn optimistic_finish_matches_the_verified_key() {
    let fixture = Fixture::new(2, 3);
    let reference = fixture.derive(&[1, 2]).unwrap();
    let pending = fixture.start();
    let partials = fixture.partials(&pending, &[3, 1]);
    let key = pending
        .finish_optimistic(&partials, &reference.key_check())
        .unwrap();
    assert_eq!(key.key_check(), reference.key_check());
}

#[test]
fn optimistic_finish_falls_back_and_routes_around_a_cheating_holder() {
    let fixture = Fixture::new(2, 3);
    let reference = fixture.derive(&[1, 2]).unwrap();
    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2, 3]);
    // Holder 1 answers with k_2 * B under its own id: a wrong but well-formed partial.
    let evaluated_by_2 = partials[1].to_bytes();
    partials[0] = patch(&partials[0], offset::ELEMENT, &evaluated_by_2[28..60]);

    let key = pending
        .finish_optimistic(&partials, &reference.key_check())
        .unwrap();
    assert_eq!(key.key_check(), reference.key_check());

    // Without a spare holder the fallback names the cheater.
    let partials: Vec<DerivedPartial> = vec![partials[0], partials[1], partials[3]];
    let error = pending
        .finish_optimistic(&partials, &reference.key_check())
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidProof { holders } if holders == &[HolderId::new(1).unwrap()])
    );
}

#[test]
fn optimistic_finish_with_a_foreign_key_check_is_an_opaque_decrypt_error() {
    let fixture = Fixture::new(2, 3);
    let pending = fixture.start();
    let partials = fixture.partials(&pending, &[1, 2]);
    let error = pending.finish_optimistic(&partials, &KeyCheck::from_bytes([0xab; 16]));
    assert!(matches!(error, Err(Error::Decrypt)));
}

#[test]
fn refresh_keeps_keys_and_rejects_the_old_epoch() {
    let fixture = Fixture::new(2, 3);
    let before = fixture.derive(&[1, 2]).unwrap();
    let envelope = before.seal(b"kept across refresh").unwrap();

    let refresh = deal_refresh(&fixture.roster).unwrap();
    let roster = fixture.roster.apply(&refresh.update).unwrap();
    assert_eq!(roster.epoch(), Epoch::new(1));
    assert_eq!(roster.group_public_key(), fixture.roster.group_public_key());
    assert_ne!(
        roster.public_share(HolderId::new(1).unwrap()),
        fixture.roster.public_share(HolderId::new(1).unwrap())
    );

    let shares: Vec<SaasShare> = fixture
        .shares
        .iter()
        .zip(&refresh.deltas)
        .map(|(share, delta)| share.refresh(delta, &refresh.update).unwrap())
        .collect();
    for share in &shares {
        share.check_against(&roster).unwrap();
        assert!(matches!(
            share.check_against(&fixture.roster),
            Err(Error::EpochMismatch { .. })
        ));
    }

    let pending = PendingDerivation::start(&roster, &fixture.context).unwrap();
    let partials = vec![
        shares[2].evaluate(pending.request()).unwrap(),
        shares[0].evaluate(pending.request()).unwrap(),
        fixture.customer.evaluate(pending.request()).unwrap(),
    ];
    let after = pending.finish(&partials).unwrap();
    assert_eq!(after.key_check(), before.key_check());
    assert_eq!(
        after.open(&envelope).unwrap().expose_secret(),
        b"kept across refresh"
    );

    // An old share's partial relabelled with the new epoch fails its proof against the new
    // roster: the old shares are useless after the refresh.
    let old = fixture.share(2).evaluate(&BlindedRequest::new(
        fixture.key_id,
        fixture.version,
        Epoch::INITIAL,
        *pending.request().blinded(),
    ));
    let relabelled = patch(&old.unwrap(), offset::EPOCH, &1u32.to_be_bytes());
    let partials = vec![partials[0], relabelled, partials[2]];
    let error = pending.finish(&partials).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidProof { holders } if holders == &[HolderId::new(2).unwrap()])
    );
}

#[test]
fn refresh_inputs_are_checked() {
    let fixture = Fixture::new(2, 3);
    let refresh = deal_refresh(&fixture.roster).unwrap();
    // A delta for another holder.
    let error = fixture
        .share(1)
        .refresh(&refresh.deltas[1], &refresh.update)
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRefresh { .. }), "{error:?}");
    // A delta that does not match the update's commitments.
    let other = deal_refresh(&fixture.roster).unwrap();
    let error = fixture
        .share(1)
        .refresh(&other.deltas[0], &refresh.update)
        .unwrap_err();
    assert!(matches!(error, Error::ShareMismatch { .. }), "{error:?}");
    // Applying the same update twice (from the wrong epoch).
    let roster = fixture.roster.apply(&refresh.update).unwrap();
    assert!(matches!(
        roster.apply(&refresh.update),
        Err(Error::EpochMismatch { .. })
    ));
    // 1-of-n cannot be refreshed.
    let single = Fixture::new(1, 2);
    assert!(matches!(
        deal_refresh(&single.roster),
        Err(Error::InvalidRefresh { .. })
    ));
}

#[test]
fn thresholds_are_validated() {
    for (threshold, holders) in [(0, 3), (4, 3), (1, 0), (2, 0xFFFF)] {
        assert!(matches!(
            Threshold::new(threshold, holders),
            Err(Error::InvalidThreshold { .. })
        ));
    }
    assert!(Threshold::new(0xFFFE, 0xFFFE).is_ok());
}

#[test]
fn shares_fragments_and_rosters_survive_serde() {
    let fixture = Fixture::new(2, 3);
    let reference = fixture.derive(&[1, 2]).unwrap();

    let roster_json = serde_json::to_string(&fixture.roster).unwrap();
    let roster: Roster = serde_json::from_str(&roster_json).unwrap();
    assert_eq!(roster, fixture.roster);

    let shares: Vec<SaasShare> = fixture
        .shares
        .iter()
        .map(|share| serde_json::from_str(&serde_json::to_string(share).unwrap()).unwrap())
        .collect();
    let customer: CustomerFragment =
        serde_json::from_str(&serde_json::to_string(&fixture.customer).unwrap()).unwrap();
    assert_eq!(customer.public_share(), fixture.customer.public_share());
    for (restored, original) in shares.iter().zip(&fixture.shares) {
        assert_eq!(restored.public_share(), original.public_share());
        assert_eq!(restored.holder(), original.holder());
        restored.check_against(&roster).unwrap();
    }

    let pending = PendingDerivation::start(&roster, &fixture.context).unwrap();
    let partials = vec![
        shares[0].evaluate(pending.request()).unwrap(),
        shares[1].evaluate(pending.request()).unwrap(),
        customer.evaluate(pending.request()).unwrap(),
    ];
    assert_eq!(
        pending.finish(&partials).unwrap().key_check(),
        reference.key_check()
    );
}

#[test]
fn serialised_secrets_are_base64_strings_and_bad_ones_are_refused() {
    let fixture = Fixture::new(2, 3);
    let value: serde_json::Value = serde_json::to_value(fixture.share(2)).unwrap();
    assert_eq!(value["holder_id"], 2);
    assert_eq!(value["threshold"], 2);
    assert_eq!(value["holders"], 3);
    assert_eq!(value["share"].as_str().unwrap().len(), 44);

    let mut zero = value.clone();
    zero["share"] = serde_json::Value::from("A".repeat(43) + "=");
    assert!(serde_json::from_value::<SaasShare>(zero).is_err());
    let mut non_canonical = value.clone();
    non_canonical["share"] = serde_json::Value::from("/".repeat(43) + "=");
    assert!(serde_json::from_value::<SaasShare>(non_canonical).is_err());
    let mut zero_holder = value.clone();
    zero_holder["holder_id"] = serde_json::Value::from(0);
    assert!(serde_json::from_value::<SaasShare>(zero_holder).is_err());
    let mut outside = value.clone();
    outside["holder_id"] = serde_json::Value::from(4);
    assert!(serde_json::from_value::<SaasShare>(outside).is_err());
    let mut extra = value;
    extra["unexpected"] = serde_json::Value::from(1);
    assert!(serde_json::from_value::<SaasShare>(extra).is_err());

    let value: serde_json::Value = serde_json::to_value(&fixture.customer).unwrap();
    assert_eq!(value["fragment"].as_str().unwrap().len(), 44);
    let mut version = value;
    version["version"] = serde_json::Value::from(2);
    assert!(serde_json::from_value::<CustomerFragment>(version).is_err());
}

#[test]
fn tampered_rosters_are_refused() {
    let fixture = Fixture::new(2, 3);
    let value: serde_json::Value = serde_json::to_value(&fixture.roster).unwrap();

    let mut swapped = value.clone();
    let shares = swapped["public_shares"].as_array_mut().unwrap();
    let first = shares[0]["share"].clone();
    shares[0]["share"] = shares[1]["share"].clone();
    shares[1]["share"] = first;
    let error = serde_json::from_value::<Roster>(swapped)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("does not follow from the commitments"),
        "{error}"
    );

    let mut missing = value.clone();
    missing["public_shares"].as_array_mut().unwrap().pop();
    assert!(serde_json::from_value::<Roster>(missing).is_err());

    let mut identity = value.clone();
    identity["customer_public_share"] = serde_json::Value::from("A".repeat(43) + "=");
    assert!(serde_json::from_value::<Roster>(identity).is_err());

    let mut threshold = value;
    threshold["threshold"] = serde_json::Value::from(3);
    assert!(serde_json::from_value::<Roster>(threshold).is_err());
}

#[test]
fn envelope_layout_and_binding() {
    let fixture = Fixture::new(2, 3);
    let key = fixture.derive(&[1, 2]).unwrap();
    let envelope = key.seal(b"abc").unwrap();
    let bytes = envelope.as_bytes();
    assert_eq!(bytes.len(), keyless_fragments::OVERHEAD + 3);
    assert_eq!(&bytes[..8], b"DFCE\x01\x01\x00\x00");
    assert_eq!(&bytes[8..24], fixture.key_id.as_bytes());
    assert_eq!(&bytes[24..28], &3u32.to_be_bytes());
    assert_eq!(&bytes[28..36], &4u64.to_be_bytes());
    assert_eq!(&bytes[36..52], &key.key_check().to_bytes());
    assert_eq!(envelope.item_version(), 4);
    assert_eq!(envelope.key_id(), fixture.key_id);
    assert_eq!(envelope.key_version(), fixture.version);
    assert_eq!(envelope.plaintext_len(), 3);

    let again = key.seal(b"abc").unwrap();
    assert_ne!(
        again.as_bytes()[52..76],
        bytes[52..76],
        "fresh nonce per seal"
    );

    let mut bad_flags = bytes.to_vec();
    bad_flags[7] = 1;
    assert!(matches!(
        Envelope::from_bytes(&bad_flags),
        Err(Error::Unsupported { field: "flags", .. })
    ));
    let mut suite_two = bytes.to_vec();
    suite_two[5] = 2;
    assert!(matches!(
        Envelope::from_bytes(&suite_two),
        Err(Error::Unsupported {
            field: "suite",
            value: 2,
            ..
        })
    ));
    let mut magic = bytes.to_vec();
    magic[0] = b'X';
    assert!(matches!(
        Envelope::from_bytes(&magic),
        Err(Error::Malformed { .. })
    ));

    // The same item under the next version: a different key, and the envelope does not open.
    let next_version = ItemContext::new(
        fixture.key_id,
        fixture.version,
        fixture.context.item_path(),
        5,
    )
    .unwrap();
    let pending = PendingDerivation::start(&fixture.roster, &next_version).unwrap();
    let other = pending
        .finish(&fixture.partials(&pending, &[1, 2]))
        .unwrap();
    assert!(matches!(other.open(&envelope), Err(Error::Decrypt)));
    assert_eq!(
        keyless_fragments::open(&key, &envelope)
            .unwrap()
            .expose_secret(),
        b"abc"
    );
    let sealed = keyless_fragments::seal(&key, b"").unwrap();
    assert!(key.open(&sealed).unwrap().expose_secret().is_empty());
}

#[test]
fn debug_output_never_shows_secrets() {
    let fixture = Fixture::new(2, 3);
    let share = fixture.share(1);
    let share_secret = serde_json::to_value(share).unwrap()["share"]
        .as_str()
        .unwrap()
        .to_owned();
    let customer_secret = serde_json::to_value(&fixture.customer).unwrap()["fragment"]
        .as_str()
        .unwrap()
        .to_owned();

    let pending = fixture.start();
    let key = pending
        .finish(&fixture.partials(&pending, &[1, 2]))
        .unwrap();
    let plaintext = key.open(&key.seal(b"hunter2-plaintext").unwrap()).unwrap();
    let refresh = deal_refresh(&fixture.roster).unwrap();

    let outputs = [
        format!("{share:?}"),
        format!("{share:#?}"),
        format!("{:?}", fixture.customer),
        format!("{pending:?}"),
        format!("{key:?}"),
        format!("{plaintext:?}"),
        format!("{:?}", refresh.deltas[0]),
        format!("{refresh:?}"),
        format!("{:?}", fixture.shares),
    ];
    let share_hex = hex::encode(base64_decode(&share_secret));
    let customer_hex = hex::encode(base64_decode(&customer_secret));
    for output in &outputs {
        assert!(!output.contains(&share_secret), "{output}");
        assert!(!output.contains(&customer_secret), "{output}");
        assert!(!output.contains(&share_hex), "{output}");
        assert!(!output.contains(&customer_hex), "{output}");
        assert!(!output.contains("hunter2"), "{output}");
        assert!(
            !output.contains(&format!("{:?}", base64_decode(&share_secret))),
            "{output}"
        );
    }
    for output in &outputs[..5] {
        assert!(output.contains("redacted"), "{output}");
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

#[test]
fn error_messages_name_what_and_whom() {
    let error = Error::InvalidProof {
        holders: vec![HolderId::new(2).unwrap(), HolderId::CUSTOMER],
    };
    assert_eq!(
        error.to_string(),
        "DLEQ proof of holder(s) 2, customer failed verification"
    );
    let error = Error::InvalidElement {
        what: "evaluated element",
        holder: HolderId::new(3).ok(),
    };
    assert!(
        error
            .to_string()
            .starts_with("evaluated element of holder 3 is not")
    );
    assert_eq!(Error::Decrypt.to_string(), "decryption failed");
    assert_eq!(
        Error::InsufficientPartials { have: 1, need: 2 }.to_string(),
        "too few SaaS partials: have 1, the roster needs 2"
    );
}

#[test]
fn dealing_shape() {
    let key_id = KeyId::generate().unwrap();
    let dealing =
        deal_saas_shares(key_id, KeyVersion::new(1), Threshold::new(3, 5).unwrap()).unwrap();
    assert_eq!(dealing.shares.len(), 5);
    assert_eq!(dealing.commitments.commitments().len(), 3);
    let ids: Vec<u16> = dealing
        .shares
        .iter()
        .map(|share| share.holder().get())
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let customer = CustomerFragment::generate(key_id, KeyVersion::new(1)).unwrap();
    let roster = Roster::new(&dealing.commitments, customer.public_share()).unwrap();
    assert_eq!(roster.holders().count(), 5);
    assert_eq!(roster.customer_public_share(), customer.public_share());
    for share in &dealing.shares {
        assert_eq!(
            roster.public_share(share.holder()),
            Some(share.public_share())
        );
    }
}

#[test]
fn public_types_are_send_and_sync() {
    // Holders and combiners run inside async servers and fan-out tasks.
    fn check<T: Send + Sync>() {}
    check::<SaasShare>();
    check::<CustomerFragment>();
    check::<Roster>();
    check::<PendingDerivation>();
    check::<BlindedRequest>();
    check::<DerivedPartial>();
    check::<keyless_fragments::ItemKey>();
    check::<Envelope>();
    check::<Error>();
}

/// A zero proof (`c = s = 0`) makes two of its transcript points the identity, which the shared
/// encoding of the proofs a derivation checks together cannot take. The honest partials checked
/// in the same batch must still pass, and only the forger be named.
#[test]
fn zero_proof_is_named_and_does_not_spoil_the_other_checks() {
    let fixture = Fixture::new(2, 3);
    let reference = fixture.derive(&[1, 2]).unwrap();

    let pending = fixture.start();
    let mut partials = fixture.partials(&pending, &[1, 2, 3]);
    for field in [offset::PROOF_C, offset::PROOF_S] {
        partials[1] = patch(&partials[1], field, &[0u8; 32]);
    }

    let key = pending.finish(&partials).unwrap();
    assert_eq!(key.key_check(), reference.key_check());

    let (forger, spare) = (HolderId::new(2).unwrap(), HolderId::new(3).unwrap());
    let without_spare: Vec<DerivedPartial> = partials
        .iter()
        .copied()
        .filter(|p| p.holder() != Some(spare))
        .collect();
    let error = pending.finish(&without_spare).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidProof { holders } if holders == &[forger]),
        "{error:?}"
    );
}
